import { useId, type ReactNode } from 'react';

/** A labelled select with its one-line description as tooltip and accessible description. */
export function Select<V extends string>({
  label,
  description,
  value,
  options,
  disabled = false,
  onChange,
}: {
  label: string;
  description: string;
  value: V;
  options: readonly (readonly [V, string])[];
  disabled?: boolean;
  onChange: (value: V) => void;
}) {
  const id = useId();
  return (
    <label title={description}>
      {label}
      <select
        value={value}
        aria-label={label}
        aria-describedby={`${id}-d`}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as V)}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      <span id={`${id}-d`} className="visually-hidden">
        {description}
      </span>
    </label>
  );
}

/** A labelled checkbox with its one-line description. */
export function Check({
  label,
  description,
  checked,
  disabled = false,
  onChange,
}: {
  label: string;
  description: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <label title={description}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={`${id}-d`}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
      <span id={`${id}-d`} className="visually-hidden">
        {description}
      </span>
    </label>
  );
}

/** A button with its one-line description. */
export function Button({
  children,
  description,
  primary = false,
  disabled = false,
  onClick,
}: {
  children: ReactNode;
  description: string;
  primary?: boolean;
  disabled?: boolean;
  onClick: () => void;
}) {
  const id = useId();
  return (
    <>
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        title={description}
        aria-describedby={`${id}-d`}
        disabled={disabled}
        onClick={onClick}
      >
        {children}
      </button>
      <span id={`${id}-d`} className="visually-hidden">
        {description}
      </span>
    </>
  );
}
