interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  /** Called with the typed value clamped to [min, max]; non-numbers are ignored. */
  onChange: (value: number) => void;
}

/** A labelled number field that never hands out a value outside its range. */
export function NumberInput({
  label,
  value,
  min,
  max,
  step = 1,
  disabled = false,
  onChange,
}: Props) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-label={label}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v))
            onChange(Math.min(max, Math.max(min, v)));
        }}
      />
    </label>
  );
}
