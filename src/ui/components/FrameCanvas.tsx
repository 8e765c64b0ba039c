import { useEffect, useRef } from 'react';
import { subscribeFrames, type Channel } from '../../client/frame-bus';
import type { GrayFrame } from '../../shared/protocol';

interface Props {
  channel: Channel;
  /** CSS pixels per image pixel; the browser upscales without smoothing. */
  scale: number;
  width: number;
  height: number;
  label: string;
  testId: string;
}

export function drawGray(canvas: HTMLCanvasElement, frame: GrayFrame): void {
  if (canvas.width !== frame.width) canvas.width = frame.width;
  if (canvas.height !== frame.height) canvas.height = frame.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  const image = ctx.createImageData(frame.width, frame.height);
  const rgba = image.data;
  frame.pixels.forEach((v, i) => {
    rgba[4 * i] = v;
    rgba[4 * i + 1] = v;
    rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  });
  ctx.putImageData(image, 0, 0);
}

/** A canvas that shows the newest frame of one frame-bus channel, redrawn once per display frame. */
export function FrameCanvas({ channel, scale, width, height, label, testId }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(
    () =>
      subscribeFrames(channel, (frame, meta) => {
        const canvas = ref.current;
        if (!canvas) return;
        drawGray(canvas, frame);
        canvas.dataset['frame'] = meta === null ? 'drawn' : String(meta);
      }),
    [channel],
  );
  return (
    <canvas
      ref={ref}
      className="frame"
      width={width}
      height={height}
      style={{ width: width * scale, height: height * scale }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
