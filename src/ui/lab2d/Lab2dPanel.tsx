import './lab2d.css';
import { DataCard } from './DataCard';
import { FieldCard } from './FieldCard';
import { SampleCard } from './SampleCard';
import { TrainCard } from './TrainCard';

/** The 2-D lab: data you draw, a model trained in seconds, and every particle's path. */
export function Lab2dPanel() {
  return (
    <div className="lab2d">
      <DataCard />
      <TrainCard />
      <SampleCard />
      <FieldCard />
    </div>
  );
}

export default Lab2dPanel;
