/**
 * Any model file the app and the CLI accept: our own `.dpmodel`, or a model exported for (or
 * trained further in) PyTorch — its `.zip` or the `model.safetensors` inside it.
 */
import {
  CHECKPOINT_EXTENSION,
  CHECKPOINT_MAGIC,
  CheckpointError,
  decodeCheckpoint,
} from './checkpoint';
import type { Checkpoint } from './checkpoint';
import { looksLikeSafetensors } from './safetensors';
import { TORCH_EXPORT_EXTENSION, decodeTorchExport, isZip } from './torch-export';

export function decodeModelFile(bytes: Uint8Array, name = 'the file'): Checkpoint<unknown> {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === CHECKPOINT_MAGIC) return decodeCheckpoint(bytes, name);
  if (isZip(bytes) || looksLikeSafetensors(bytes)) return decodeTorchExport(bytes, name);
  throw new CheckpointError(
    `${name} is not a Diffusion Playground model file: the app reads its own ${CHECKPOINT_EXTENSION} files and models exported for PyTorch (${TORCH_EXPORT_EXTENSION}, or the model.safetensors inside).`,
  );
}
