// Lists that several pages need for names and selects, cached for a short while.
import { api } from "./client.js";

const TTL_MS = 15000;
const cache = new Map(); // key -> {at, promise}

function cached(key, load) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.promise;
  const promise = load();
  cache.set(key, { at: Date.now(), promise });
  promise.catch(() => cache.delete(key));
  return promise;
}

/** Drop cached lists (after a change made from the console). */
export function invalidate(key) {
  if (key) cache.delete(key);
  else cache.clear();
}

/** Every piped of the project (with status), as a Map by id. */
export function pipedsById() {
  return cached("pipeds", async () => {
    const { pipeds } = await api.ListPipeds({ withStatus: true });
    return new Map(pipeds.map((p) => [p.id, p]));
  });
}

/** Like pipedsById, but an empty Map when pipeds cannot be listed (names are then ids). */
export async function pipedsOrEmpty() {
  try {
    return await pipedsById();
  } catch {
    return new Map();
  }
}

export function applications() {
  return cached("applications", async () => (await api.ListApplications({ options: {} })).applications);
}
