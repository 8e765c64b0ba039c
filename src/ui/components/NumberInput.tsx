import { useId, useState } from 'react';

interface Props {
  label: string;
  /** The accessible name, when the visible label alone is ambiguous ("T" of which schedule). */
  ariaLabel?: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  /** Only whole numbers are accepted. */
  integer?: boolean;
  /** One line on what the field does: a tooltip and the input's accessible description. */
  description?: string;
  disabled?: boolean;
  /** Called only with a value inside [min, max]; anything else is refused with a message. */
  onChange: (value: number) => void;
}

function problem(text: string, min: number, max: number, integer: boolean): string | null {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return 'Enter a number.';
  if (integer && !Number.isInteger(v)) return 'Enter a whole number.';
  if (v < min || v > max) return `Must be from ${min} to ${max}; ${text} was not used.`;
  return null;
}

/**
 * A labelled number field that never hands out a value outside its range: a value out of range
 * is refused in words beside the field (the setting keeps its last good value), never silently
 * changed into another one.
 */
export function NumberInput({
  label,
  ariaLabel,
  value,
  min,
  max,
  step = 1,
  integer = false,
  description,
  disabled = false,
  onChange,
}: Props) {
  // What the learner typed, while it is not a usable value (null: show the setting's value).
  const [typed, setTyped] = useState<string | null>(null);
  const id = useId();
  const error = typed === null ? null : problem(typed, min, max, integer);
  const describedBy = [description ? `${id}-d` : '', error ? `${id}-e` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <label title={description}>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={typed ?? value}
        disabled={disabled}
        aria-label={ariaLabel ?? label}
        aria-invalid={error !== null}
        aria-describedby={describedBy || undefined}
        onChange={(e) => {
          const text = e.target.value;
          if (problem(text, min, max, integer) === null) {
            setTyped(null);
            onChange(Number(text));
          } else setTyped(text);
        }}
        onBlur={() => {
          if (typed !== null && typed.trim() === '') setTyped(null);
        }}
      />
      {description && (
        <span id={`${id}-d`} className="visually-hidden">
          {description}
        </span>
      )}
      {error && (
        <span id={`${id}-e`} className="field-error" aria-live="polite">
          {error}
        </span>
      )}
    </label>
  );
}
