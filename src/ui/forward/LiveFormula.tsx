import { timestepStats } from '../../ml/schedule';
import { useAppStore } from '../../state/store';
import { fmt } from '../format';
import { useForwardSchedule } from './use-forward-schedule';

/** The forward formula with the live values at the current t. */
export function LiveFormula() {
  const T = useAppStore((s) => s.T);
  const t = useAppStore((s) => s.t);
  const schedule = useForwardSchedule();
  const s = timestepStats(schedule, Math.min(t, T - 1));

  return (
    <section className="card formula" aria-label="Forward process formula" data-testid="formula">
      <p className="eq">
        x<sub>t</sub> = √ᾱ<sub>t</sub> · x<sub>0</sub> + √(1 − ᾱ<sub>t</sub>) · ε, &nbsp; ε ~ 𝒩(0,
        I)
      </p>
      <p className="eq live" data-testid="formula-live">
        x<sub>{s.t}</sub> = <b data-testid="sqrt-alpha-bar">{fmt(s.sqrtAlphaBar)}</b> · x
        <sub>0</sub> + <b data-testid="sqrt-one-minus-alpha-bar">{fmt(s.sqrtOneMinusAlphaBar)}</b> ·
        ε
      </p>
      <dl className="stats">
        <dt>t</dt>
        <dd data-testid="stat-t">{s.t}</dd>
        <dt>
          β<sub>t</sub>
        </dt>
        <dd>{fmt(s.beta)}</dd>
        <dt>
          ᾱ<sub>t</sub> = Π<sub>i≤t</sub>(1 − β<sub>i</sub>)
        </dt>
        <dd data-testid="alpha-bar">{fmt(s.alphaBar)}</dd>
        <dt>
          √ᾱ<sub>t</sub>
        </dt>
        <dd>{fmt(s.sqrtAlphaBar)}</dd>
        <dt>
          √(1 − ᾱ<sub>t</sub>)
        </dt>
        <dd>{fmt(s.sqrtOneMinusAlphaBar)}</dd>
        <dt>SNR = ᾱ/(1 − ᾱ)</dt>
        <dd data-testid="snr">{fmt(s.snr)}</dd>
        <dt>log SNR</dt>
        <dd>{fmt(s.logSnr)}</dd>
      </dl>
    </section>
  );
}
