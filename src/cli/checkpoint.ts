/**
 * Checkpoint directory of `myelin train --out DIR`:
 *   model.safetensors           the model's state dict (PyTorch key names) + run config
 *   training-state.safetensors  optimizer state, RNG states, epoch, history (for --resume)
 *   history.csv / history.json  per-epoch metrics
 * Every file is written atomically.
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { loadSafetensors, saveSafetensors, writeFileAtomic } from "../io/node/files.js";
import { packState, unpackState } from "../io/state-packing.js";
import { historyToCsv, type History } from "../train/history.js";
import { ValueError } from "../errors.js";

/** What a run was: enough to rebuild the model and its data. */
export interface RunConfig {
  model: string;
  dataset: string;
  dataDir?: string;
  channels: number;
  imageSize: number;
  numClasses: number;
  classNames: readonly string[];
  /** Per-channel input standardization applied before the model. */
  mean: number[];
  std: number[];
  optimizer: string;
  lr: number;
  /** Learning-rate factor applied after every epoch (ExponentialLR). */
  lrDecay: number;
  batchSize: number;
  seed: number;
  /** --train-size / --test-size of the run (absent: the whole split). */
  trainSize?: number;
  testSize?: number;
}

export interface TrainingState {
  epoch: number;
  optimizer: unknown;
  scheduler: unknown;
  loaderGenerator: number[];
  defaultGenerator: number[];
  history: History;
}

export async function saveCheckpoint(dir: string, model: Module<[Tensor], Tensor>, config: RunConfig, state: TrainingState): Promise<void> {
  await saveSafetensors(join(dir, "model.safetensors"), model.stateDict(), { format: "pt", myelin_config: JSON.stringify(config), epoch: String(state.epoch) });
  const packed = packState(state);
  await saveSafetensors(join(dir, "training-state.safetensors"), packed.tensors, { myelin_state: packed.json });
  await writeFileAtomic(join(dir, "history.csv"), historyToCsv(state.history));
  await writeFileAtomic(join(dir, "history.json"), JSON.stringify(state.history, null, 2) + "\n");
}

/** Reads model weights and the run config of a checkpoint directory. */
export async function loadModelCheckpoint(dir: string): Promise<{ weights: Record<string, Tensor>; config: RunConfig }> {
  const file = join(dir, "model.safetensors");
  if (!existsSync(file)) throw new ValueError(`no checkpoint at ${file} (train with --out ${dir} first)`);
  const { tensors, metadata } = await loadSafetensors(file);
  if (!metadata.myelin_config) throw new ValueError(`${file}: no myelin_config metadata; not written by myelin train`);
  return { weights: tensors, config: JSON.parse(metadata.myelin_config) as RunConfig };
}

export async function loadTrainingState(dir: string): Promise<TrainingState> {
  const file = join(dir, "training-state.safetensors");
  if (!existsSync(file)) throw new ValueError(`cannot resume: ${file} does not exist`);
  const { tensors, metadata } = await loadSafetensors(file);
  if (!metadata.myelin_state) throw new ValueError(`${file}: no myelin_state metadata`);
  return unpackState({ tensors, json: metadata.myelin_state }) as TrainingState;
}
