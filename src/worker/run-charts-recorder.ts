/**
 * Records what the Train tab charts as the run goes (shared/run-charts.ts), for the model's meta,
 * so that a reload brings the charts and the last preview grid back with the model.
 */
import type { GrayFrame } from '../shared/protocol';
import {
  EMPTY_RUN_CHARTS,
  MAX_QUALITY_POINTS,
  MAX_THROUGHPUT_POINTS,
  boundedPush,
  checkedRunCharts,
  pixelsToBase64,
  type RunCharts,
} from '../shared/run-charts';
import type { TrainProgressStats, TrainQualityPoint } from '../shared/train-protocol';

export class RunChartsRecorder {
  private charts: RunCharts = EMPTY_RUN_CHARTS;

  get current(): RunCharts {
    return this.charts;
  }

  reset(): void {
    this.charts = EMPTY_RUN_CHARTS;
  }

  /** From a model's meta; whatever is missing or damaged starts empty. */
  restore(value: unknown): RunCharts {
    this.charts = checkedRunCharts(value);
    return this.charts;
  }

  progress(stats: TrainProgressStats): void {
    const { throughput } = this.charts;
    // As the page's throughput series: only points with a measured rate.
    const steps =
      stats.stepsPerSec > 0
        ? boundedPush(
            throughput.steps.map((step, i) => ({ step, value: throughput.values[i] ?? 0 })),
            { step: stats.step, value: stats.stepsPerSec },
            MAX_THROUGHPUT_POINTS,
          )
        : null;
    this.charts = {
      ...this.charts,
      lastStats: stats,
      ...(steps && {
        throughput: { steps: steps.map((p) => p.step), values: steps.map((p) => p.value) },
      }),
    };
  }

  quality(point: TrainQualityPoint): void {
    this.charts = {
      ...this.charts,
      quality: boundedPush(this.charts.quality, point, MAX_QUALITY_POINTS),
    };
  }

  /** Call before the frame's buffer is transferred away. */
  preview(step: number, frame: GrayFrame, columns: number, labels: readonly number[]): void {
    this.charts = {
      ...this.charts,
      preview: {
        step,
        width: frame.width,
        height: frame.height,
        columns,
        labels: [...labels],
        pixels: pixelsToBase64(frame.pixels),
      },
    };
  }
}
