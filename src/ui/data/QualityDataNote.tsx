import { MNIST_NAME } from '../../shared/dataset-protocol';
import { useDataSetStore } from '../../state/dataset-store';
import { useAppStore } from '../../state/store';

/**
 * The quality meter's classifier knows MNIST digits only. With another data set its class
 * accuracy and confidence mean nothing; KID on its pixel features (against the set in use, with
 * the real-vs-real floor) and the memorisation share still compare samples with those images.
 */
export function QualityDataNote() {
  const active = useDataSetStore((s) => s.active?.name ?? MNIST_NAME);
  const trainedOn = useAppStore((s) => s.model?.settings.dataset ?? MNIST_NAME);
  const other = trainedOn !== MNIST_NAME ? trainedOn : active !== MNIST_NAME ? active : null;
  if (other === null) return null;
  return (
    <p className="notice" data-testid="quality-dataset-note">
      The classifier behind this meter was trained on MNIST and reads only digits: for “{other}” its
      class accuracy and confidence say nothing. What still applies: KID on its pixel features
      against the images of the data set in use (“{active}”), beside its real-vs-real floor, and the
      memorised share (samples nearer a training image than almost any held-out one is).
    </p>
  );
}
