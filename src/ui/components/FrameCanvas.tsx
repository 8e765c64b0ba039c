import { useEffect, useRef } from 'react';
import { subscribeFrames, type Channel } from '../../client/frame-bus';
import { drawGray } from './draw-gray';

interface Props {
  channel: Channel;
  /** CSS pixels per image pixel; the browser upscales without smoothing. */
  scale: number;
  width: number;
  height: number;
  label: string;
  testId: string;
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
