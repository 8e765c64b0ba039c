export * from './adam';
export * from './ema';
export * from './lr';
export * from './step';
