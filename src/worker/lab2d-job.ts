/**
 * The 2-D lab's work, behind its own worker (lab2d-worker.ts): the exact noised density answers
 * at once in plain arrays; training and sampling load tfjs (lab2d-models.ts) on first use.
 */
import { densityGrid } from '../ml/lab2d/mixture';
import type { PointSet } from '../ml/lab2d/points';
import type { FromLab2d, ToLab2d } from '../shared/lab2d-protocol';
import type * as ModelsModule from './lab2d-models';

export type Post = (message: FromLab2d, transfer?: Transferable[]) => void;
type Models = typeof ModelsModule;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Lab2dJob {
  private data: PointSet | null = null;
  private models: Promise<InstanceType<Models['Lab2dModels']>> | null = null;

  constructor(
    private readonly post: Post,
    private readonly loadModels: () => Promise<Models>,
  ) {}

  private lab() {
    this.models ??= this.loadModels().then(async (m) => {
      const lab = new m.Lab2dModels(this.post);
      await lab.start();
      return lab;
    });
    return this.models;
  }

  private points(): PointSet {
    if (!this.data || this.data.labels.length < 2) throw new Error('There are no data points yet.');
    return this.data;
  }

  async handle(message: ToLab2d): Promise<void> {
    if (message.type === 'data') {
      this.data = message.points;
      return;
    }
    try {
      switch (message.type) {
        case 'density': {
          const grid = densityGrid(
            this.points().xy,
            message.level,
            message.bounds,
            message.w,
            message.h,
          );
          this.post({ type: 'density', id: message.id, grid }, [grid.buffer]);
          return;
        }
        case 'train':
          await (
            await this.lab()
          ).train(message.id, this.points(), message.settings, message.schedule);
          return;
        case 'train/stop':
          (await this.lab()).stop(message.id);
          return;
        case 'sample':
          (await this.lab()).sample(message.id, this.points(), message.request, message.schedule);
          return;
        case 'field':
          (await this.lab()).field(message, this.points());
          return;
        default: {
          const never: never = message;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    } catch (error) {
      this.post({ type: 'failed', id: message.id, message: errorText(error) });
    }
  }
}
