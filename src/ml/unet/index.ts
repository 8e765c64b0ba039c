export * from './config';
export { countParams, paramShapes, unetLayout } from './layout';
export type { Layout, LevelSpec, ResSpec } from './layout';
export * from './params';
export type { ForwardOptions } from './layers';
export { unetForward } from './model';
