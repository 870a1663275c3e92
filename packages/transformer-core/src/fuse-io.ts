// Saving and loading a fused model: a folder with one ordinary checkpoint per member (member-0/, member-1/, ...:
// config.json + model.safetensors, loadable on their own and by the PyTorch twin) and fused.json, the manifest:
// { format: "glyphlm-fused", formatVersion: 1, average, weights, tableFingerprint, tokenizerFingerprint?,
//   members: [{ dir, tableFingerprint, nLayer, dModel }] }. Browser-safe: bytes in, bytes out; directories go
// through the Node adapter (node/fuse-folders.ts, loaded on demand), written as a temp folder renamed into place.
import { serializeCheckpoint, modelFromCheckpoint, type CheckpointBytes, type SaveOptions } from './checkpoint.js';
import type { GPT } from './model.js';
import { FusedModel, FusionError, fuseModels, tableFingerprint, type FusionAverage } from './fuse.js';

export const FUSED_FORMAT = 'glyphlm-fused';
export const FUSED_FORMAT_VERSION = 1;

export interface FusedManifest {
  format: typeof FUSED_FORMAT;
  formatVersion: typeof FUSED_FORMAT_VERSION;
  average: FusionAverage;
  /** Normalised member weights. */
  weights: number[];
  tableFingerprint: string;
  tokenizerFingerprint?: string;
  members: Array<{ dir: string; tableFingerprint: string; nLayer: number; dModel: number }>;
}

/** A fused model in memory: fused.json text and each member's checkpoint bytes. */
export interface FusedBytes {
  manifest: string;
  members: CheckpointBytes[];
}

const memberDir = (i: number) => `member-${i}`;

/** Serialises a fused model (manifest + member checkpoints). */
export async function serializeFused(model: FusedModel, opts: SaveOptions = {}): Promise<{ manifest: string; members: Array<{ config: string; weights: Uint8Array }> }> {
  if (!(model instanceof FusedModel)) throw new FusionError('saveFused: expected a FusedModel (fuseModels or loadFused)');
  const members = [];
  for (const m of model.members) members.push(await serializeCheckpoint(m, opts));
  const manifest: FusedManifest = {
    format: FUSED_FORMAT, formatVersion: FUSED_FORMAT_VERSION, average: model.average, weights: [...model.weights],
    tableFingerprint: model.tableFingerprint,
    ...(model.tokenizerFingerprint ? { tokenizerFingerprint: model.tokenizerFingerprint } : {}),
    members: model.members.map((m, i) => ({ dir: memberDir(i), tableFingerprint: model.tableFingerprint, nLayer: m.config.nLayer, dModel: m.config.dModel })),
  };
  return { manifest: JSON.stringify(manifest, null, 2) + '\n', members };
}

/** Validates fused.json (text or object); errors name the file and the field. */
export function parseFusedManifest(text: string | Record<string, unknown>, source = 'fused.json'): FusedManifest {
  let o: Record<string, unknown>;
  if (typeof text === 'string') {
    try {
      o = JSON.parse(text);
    } catch (e) {
      throw new FusionError(`${source}: invalid JSON (${(e as Error).message})`);
    }
  } else o = text;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new FusionError(`${source}: not a JSON object`);
  if (o.format !== FUSED_FORMAT) throw new FusionError(`${source}: format is ${JSON.stringify(o.format)}, expected "${FUSED_FORMAT}"`);
  if (o.formatVersion !== FUSED_FORMAT_VERSION) throw new FusionError(`${source}: formatVersion ${JSON.stringify(o.formatVersion)} is not supported (expected ${FUSED_FORMAT_VERSION})`);
  if (o.average !== 'logits' && o.average !== 'probs') throw new FusionError(`${source}: average must be "logits" or "probs", got ${JSON.stringify(o.average)}`);
  if (typeof o.tableFingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(o.tableFingerprint)) throw new FusionError(`${source}: tableFingerprint must be a SHA-256 hex string`);
  if (o.tokenizerFingerprint !== undefined && typeof o.tokenizerFingerprint !== 'string') throw new FusionError(`${source}: tokenizerFingerprint must be a string`);
  if (!Array.isArray(o.members) || o.members.length === 0) throw new FusionError(`${source}: members must be a non-empty array`);
  o.members.forEach((m: unknown, i: number) => {
    const r = m as Record<string, unknown>;
    if (!r || typeof r !== 'object') throw new FusionError(`${source}: members[${i}] is not an object`);
    if (typeof r.dir !== 'string' || !/^[A-Za-z0-9._-]+$/.test(r.dir) || r.dir === '.' || r.dir === '..') {
      throw new FusionError(`${source}: members[${i}].dir must be a plain folder name inside the fused folder, got ${JSON.stringify(r.dir)}`);
    }
    if (typeof r.tableFingerprint !== 'string') throw new FusionError(`${source}: members[${i}].tableFingerprint must be a string`);
  });
  if (!Array.isArray(o.weights) || o.weights.length !== o.members.length) throw new FusionError(`${source}: weights must hold one number per member (${o.members.length})`);
  o.weights.forEach((w: unknown, i: number) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new FusionError(`${source}: weights[${i}] must be a finite number >= 0, got ${JSON.stringify(w)}`);
  });
  return o as unknown as FusedManifest;
}

/** Rebuilds a fused model from parsed parts, checking each member's table against the manifest. */
async function fromParts(manifest: FusedManifest, members: CheckpointBytes[], where: (i: number) => string, source: string): Promise<FusedModel> {
  const models: GPT[] = [];
  try {
    members.forEach((b, i) => models.push(modelFromCheckpoint(b.config, b.weights, {}, { config: `${where(i)}/config.json`, weights: `${where(i)}/model.safetensors` })));
    for (let i = 0; i < models.length; i++) {
      const p = await tableFingerprint(models[i]);
      if (p !== manifest.members[i].tableFingerprint || p !== manifest.tableFingerprint) {
        throw new FusionError(`${where(i)}: the member's input table (fingerprint ${p.slice(0, 16)}…) is not the one ${source} records (${manifest.members[i].tableFingerprint.slice(0, 16)}…)`);
      }
    }
    const allowTrainableTables = models.some((m) => m.embeddingKind !== 'frozen');
    return await fuseModels(models, { weights: manifest.weights, average: manifest.average, allowTrainableTables });
  } catch (e) {
    models.forEach((m) => m.dispose());
    throw e;
  }
}

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/**
 * Saves a fused model. With `dir` (Node) writes dir/fused.json and dir/member-<i>/ (a temp folder renamed into
 * place: `dir` must not exist, be empty, or hold a fused model, which is replaced); always returns the bytes.
 */
export async function saveFused(model: FusedModel, dir?: string, opts: SaveOptions = {}): Promise<FusedBytes> {
  const out = await serializeFused(model, opts);
  if (dir !== undefined) {
    if (!isNode) throw new FusionError('saveFused: writing a folder needs Node; call without dir for the bytes');
    const files: Array<[string, string | Uint8Array]> = [['fused.json', out.manifest]];
    out.members.forEach((m, i) => {
      files.push([`${memberDir(i)}/config.json`, m.config]);
      files.push([`${memberDir(i)}/model.safetensors`, m.weights]);
    });
    const node = await import('./node/fuse-folders.js');
    await node.writeFolderAtomic(dir, files, 'fused.json');
  }
  return out;
}

/** Loads a fused model from a folder (Node) or from FusedBytes; every member is validated as a checkpoint. */
export async function loadFused(src: string | FusedBytes): Promise<FusedModel> {
  if (typeof src === 'string') {
    if (!isNode) throw new FusionError(`loadFused: ${src}: folders need Node; pass { manifest, members } bytes`);
    const node = await import('./node/fuse-folders.js');
    const dir = src.replace(/\/+$/, '');
    const manifestText = await node.readText(`${dir}/fused.json`);
    const manifest = parseFusedManifest(manifestText, `${dir}/fused.json`);
    const members: CheckpointBytes[] = [];
    for (const m of manifest.members) members.push(await node.readCheckpointFiles(`${dir}/${m.dir}`));
    return fromParts(manifest, members, (i) => `${dir}/${manifest.members[i].dir}`, `${dir}/fused.json`);
  }
  if (!src || typeof src !== 'object' || !Array.isArray(src.members)) throw new FusionError('loadFused: source must be a folder or { manifest, members: [{ config, weights }] }');
  const manifest = parseFusedManifest(src.manifest);
  if (src.members.length !== manifest.members.length) throw new FusionError(`loadFused: fused.json lists ${manifest.members.length} members, ${src.members.length} were given`);
  return fromParts(manifest, src.members, (i) => manifest.members[i].dir, 'fused.json');
}
