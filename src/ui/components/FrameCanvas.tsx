import { useEffect, useRef, useState } from 'react';
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
  /** Shown over the canvas until its first frame: an undrawn canvas is just a black box. */
  placeholder?: string;
}

/** A canvas that shows the newest frame of one frame-bus channel, redrawn once per display frame. */
export function FrameCanvas({ channel, scale, width, height, label, testId, placeholder }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  // Set once: frames arrive every display frame while sampling plays.
  const drawnOnce = useRef(false);
  useEffect(
    () =>
      subscribeFrames(channel, (frame, meta) => {
        const canvas = ref.current;
        if (!canvas) return;
        drawGray(canvas, frame);
        canvas.dataset['frame'] = meta === null ? 'drawn' : String(meta);
        if (!drawnOnce.current) {
          drawnOnce.current = true;
          setDrawn(true);
        }
      }),
    [channel],
  );
  const canvas = (
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
  if (placeholder === undefined) return canvas;
  return (
    <div className="frame-holder">
      {canvas}
      {!drawn && (
        <p className="frame-placeholder" data-testid={`${testId}-placeholder`}>
          {placeholder}
        </p>
      )}
    </div>
  );
}
