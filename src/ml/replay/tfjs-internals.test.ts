import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RECORDER_TFJS_VERSION, StepRecorder, recorderRefusal } from './recorder';

describe('the recorded step is tied to one tfjs version', () => {
  it('is the installed tfjs (package.json pins it exactly)', () => {
    expect(tf.version_core).toBe(RECORDER_TFJS_VERSION);
    expect(recorderRefusal(tf.version_core)).toBeNull();
  });

  it('any other version trains through plain tfjs steps, and says why', () => {
    expect(recorderRefusal('4.23.0')).toBe('recording is written for tfjs 4.22.0, this is 4.23.0');
    // Refused before the backend is even looked at.
    expect(StepRecorder.for({}, '4.23.0')).toBeNull();
  });
});
