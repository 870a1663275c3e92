// Registers the built-in recipes on first use (no import side effects, so bundlers with sideEffects:false keep
// them): the bvv241 recipes, plus every Recipe object (or array of them) exported by ../extras.ts.
import * as extras from '../extras.js';
import { BVV241_RECIPES } from './bvv241.js';
import { listRecipes, registerRecipe, type Recipe } from './registry.js';

let done = false;

function isRecipe(v: unknown): v is Recipe {
  return !!v && typeof v === 'object' && typeof (v as Recipe).name === 'string' && typeof (v as Recipe).produceRows === 'function';
}

/** Idempotent: registers built-in recipes that are not registered yet (an explicit registerRecipe wins). */
export function ensureBuiltinRecipes(): void {
  if (done) return;
  done = true;
  const have = new Set(listRecipes());
  const exported = Object.values(extras as Record<string, unknown>);
  const all: unknown[] = [...BVV241_RECIPES, ...exported, ...exported.filter(Array.isArray).flat()];
  for (const r of all) if (isRecipe(r) && !have.has(r.name)) registerRecipe(r);
}
