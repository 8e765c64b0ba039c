/** The pair of buttons that download the step on screen: x_t and the model's guess x̂₀. */
export function FramePngButtons({
  disabled,
  onExport,
  testId,
}: {
  disabled: boolean;
  onExport: (kind: 'xt' | 'x0') => void;
  /** The x_t button's test id (each tab has its own). */
  testId: string;
}) {
  return (
    <>
      <button
        type="button"
        disabled={disabled}
        title="Download x_t of the step on screen as a PNG"
        onClick={() => onExport('xt')}
        data-testid={testId}
      >
        PNG of x<sub>t</sub>
      </button>
      <button
        type="button"
        disabled={disabled}
        title="Download the model's guess x̂₀ of the step on screen as a PNG"
        onClick={() => onExport('x0')}
      >
        PNG of x̂<sub>0</sub>
      </button>
    </>
  );
}
