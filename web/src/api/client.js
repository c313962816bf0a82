// The WebService client: `api.ListApplications({options: {kinds: ["KUBERNETES"]}})` resolves with
// the decoded response. Method names and message types come from the generated descriptor, so a
// misspelt method fails at once instead of reaching the server.
import { SERVICE, decode, encode, methodTypes } from "../proto/codec.js";
import { RpcError, unary } from "./grpcweb.js";

const listeners = new Set();

/** Called with every RpcError of every call (the app uses it to go to /login on UNAUTHENTICATED). */
export function onRpcError(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function call(method, request = {}, opts = {}) {
  const types = methodTypes(method);
  if (!types) throw new Error(`WebService has no method ${method}`);
  const [input, output] = types;
  try {
    const bytes = await unary(`/${SERVICE}/${method}`, encode(input, request), { ...opts, method });
    return decode(output, bytes);
  } catch (err) {
    const e = err instanceof RpcError ? err : new RpcError("INTERNAL", String(err && err.message || err), method);
    for (const fn of listeners) fn(e);
    throw e;
  }
}

/** `api.GetMe()` is `call("GetMe", {})`. */
export const api = new Proxy({}, {
  get(_, method) {
    return (request, opts) => call(method, request, opts);
  },
});
