/**
 * The replay engine's one door. On webgpu a training step costs far more CPU in tfjs' dispatching
 * than the GPU spends running it, so the trainer records one step's GPU commands (record: a
 * step function run through tfjs, watched) and replays them for the following steps with new
 * inputs (run), optionally timing each program (profileNext). Anything else in this folder is
 * its machinery; tfjs' private members are reached only in tfjs-internals.ts, which refuses any
 * tfjs version but the one it was written for (then steps run through plain tfjs, and `info`
 * says why).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RecordedStep, ReplayCounts, ReplayInputs } from './recorded-step';
import { RecordingSession } from './recorder';
import type { ProgramTime } from './replay-profile';
import { type WebGPUInternals, internalsRefusal, webgpuInternals } from './tfjs-internals';

export type { ProgramTime } from './replay-profile';
export type { ReplayCounts, ReplayInputs } from './recorded-step';
export { TFJS_VERSION as REPLAY_TFJS_VERSION } from './tfjs-internals';

/** Why steps cannot be recorded with this tfjs version, or null when they can. */
export const replayRefusal = internalsRefusal;

/** What a step function being recorded is handed. */
export interface Recording {
  /** Declares `t` an input of the next segment (a replay rewrites its values). */
  input(name: string, t: tf.TensorInfo): void;
  /** Opens the next segment: the GPU calls from now until pause() are recorded. */
  resume(): void;
  /** Marks `t` as the segment's read-back (call before reading it). */
  readback(t: tf.TensorInfo): void;
  /**
   * Ends the segment (after the step freed its tensors: the buffers they free are the
   * recording's); tfjs' methods are the originals again.
   */
  pause(): void;
}

/** How recording and replaying have fared (all zero where steps are not recorded). */
export interface ReplayInfo {
  /** Steps recorded (again after new weights were assigned or the inputs changed shape). */
  readonly recorded: number;
  readonly replayed: number;
  /** Why the last recording could not be used, or why none can be made, if so. */
  readonly lastFailure: string | null;
  /** JavaScript time of the last replayed step, ms (writing inputs, encoding, submitting). */
  readonly encodeMs: number | null;
  /** What a replay sends to the GPU, while there is a recording. */
  readonly counts: ReplayCounts | null;
  /** GPU time of a recent replayed step, ms, where the device has timestamp queries. */
  readonly gpuMs: number | null;
}

/** Recording failures after which an engine stops trying (each still ran its step). */
const MAX_RECORDING_FAILURES = 3;

export class StepReplay {
  private recording: { step: RecordedStep; key: string } | null = null;
  private recorded = 0;
  private replayed = 0;
  private failures = 0;
  private lastFailure: string | null;

  private constructor(
    private readonly gpu: WebGPUInternals | null,
    refusal: string | null,
  ) {
    this.lastFailure = refusal;
  }

  /**
   * The engine for `backend`. It serves only tfjs' webgpu backend of the version tfjs-internals.ts
   * was written for; on any other it records nothing and `info.lastFailure` says why (a version).
   */
  static for(backend: unknown, tfjsVersion: string = tf.version_core): StepReplay {
    const refusal = internalsRefusal(tfjsVersion);
    return new StepReplay(refusal ? null : webgpuInternals(backend, tfjsVersion), refusal);
  }

  /** Whether steps on `backend` can be recorded and replayed here. */
  serves(backend: unknown): boolean {
    return this.gpu !== null && this.gpu.backend === backend;
  }

  /** Whether the device can time replays (timestamp queries). */
  get canTime(): boolean {
    return this.gpu?.device.features.has('timestamp-query') ?? false;
  }

  /** Whether another recording is worth trying (a few failed ones end the attempts). */
  get canRecord(): boolean {
    return this.gpu !== null && this.failures < MAX_RECORDING_FAILURES;
  }

  /**
   * Whether the recorded step can replay a step on `state` (the tensors it read and replaced,
   * still in the buffers it left them in) with inputs described by `key` (their shapes). A
   * recording that no longer fits (new weights assigned, another batch size) is given up.
   */
  fits(state: readonly tf.TensorInfo[], key: string): boolean {
    const r = this.recording;
    if (r && !(r.key === key && r.step.matches(state))) this.drop();
    return this.recording !== null;
  }

  /**
   * Runs `step` (a step through tfjs that declares its inputs and segments on the Recording) and
   * records it for replays on `state` and inputs like `key`, when `keep(its result)` says the step
   * is one to replay. A recording that fails its checks leaves the step's own result intact
   * (`info.lastFailure` says why). tfjs' methods are watched only inside the step's segments and
   * are the originals again when this returns or throws.
   */
  async record<T>(
    state: readonly tf.TensorInfo[],
    key: string,
    step: (rec: Recording) => Promise<T>,
    keep: (result: T) => boolean,
  ): Promise<T> {
    if (!this.gpu) throw new Error('replay: this backend cannot record');
    this.drop();
    const session = new RecordingSession(this.gpu, state);
    try {
      let result: T;
      try {
        result = await step(session);
      } catch (error) {
        session.abort();
        throw error;
      }
      if (!keep(result)) {
        session.abort();
        return result;
      }
      try {
        this.recording = { step: session.finish(state), key };
        this.recorded += 1;
      } catch (error) {
        this.failures += 1;
        this.lastFailure = error instanceof Error ? error.message : String(error);
      }
      return result;
    } finally {
      session.pause();
    }
  }

  /**
   * Replays segment `index` of the recorded step with `inputs` (one typed array per input name
   * of that segment, the byte length it had); resolves with its read-back, or null without one.
   */
  async run(index: number, inputs: ReplayInputs): Promise<Float32Array | null> {
    const r = this.recording;
    if (!r) throw new Error('replay: nothing recorded');
    const data = await r.step.run(index, inputs);
    if (index === 0) this.replayed += 1;
    return data;
  }

  get info(): ReplayInfo {
    const { recorded, replayed, lastFailure } = this;
    const step = this.recording?.step;
    return {
      recorded,
      replayed,
      lastFailure,
      encodeMs: replayed > 0 && step ? step.encodeMs : null,
      counts: step?.counts ?? null,
      gpuMs: step?.gpuMs ?? null,
    };
  }

  /**
   * Times each GPU program of the next replay (replay-profile.ts); null without a recording or
   * where the device cannot time.
   */
  profileNext(): Promise<ProgramTime[]> | null {
    return this.recording?.step.profileNext() ?? null;
  }

  /** The GPU time of the last timed replay once its timestamps have arrived; null without. */
  async settledGpuMs(): Promise<number | null> {
    return (await this.recording?.step.settledGpuMs()) ?? null;
  }

  /** Gives the recording's buffers back (a later step records anew). */
  dispose(): void {
    this.drop();
  }

  private drop(): void {
    this.recording?.step.dispose();
    this.recording = null;
  }
}
