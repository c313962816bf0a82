// gRPC-Web unary calls over fetch (binary `application/grpc-web+proto` framing).
//
// A request body is one frame: a flag byte (0 = message), a 4-byte big-endian length, the
// message. A response body is message frames followed by one trailer frame (flag 0x80) whose
// payload is `grpc-status: N\r\ngrpc-message: ...` header lines. A "trailers-only" answer (an error
// with no message) carries grpc-status in the HTTP headers instead. The `token` session cookie is
// HttpOnly and sent by the browser itself: every call uses `credentials: "include"`.

export const CODES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
  "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
  "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];

/** A failed call: `code` is the gRPC status name ("PERMISSION_DENIED"), `method` the RPC. */
export class RpcError extends Error {
  constructor(code, message, method = "") {
    super(message || code);
    this.name = "RpcError";
    this.code = code;
    this.method = method;
  }
}

// How the gRPC-Web spec maps an HTTP failure without grpc-status to a gRPC code.
function codeForHttp(status) {
  switch (status) {
    case 400: return "INTERNAL";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "UNIMPLEMENTED";
    case 429: case 502: case 503: case 504: return "UNAVAILABLE";
    default: return "UNKNOWN";
  }
}

function codeName(n) {
  return CODES[n] || "UNKNOWN";
}

function decodeMessage(raw) {
  if (!raw) return "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function parseTrailers(bytes) {
  const out = {};
  for (const line of new TextDecoder().decode(bytes).split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function frame(message) {
  const body = new Uint8Array(5 + message.length);
  new DataView(body.buffer).setUint32(1, message.length, false);
  body.set(message, 5);
  return body;
}

/**
 * POST one request message to `path` and resolve with the response message bytes.
 * Rejects with RpcError (UNAVAILABLE when the server cannot be reached).
 */
export async function unary(path, message, { signal, timeoutMs = 30000, method = "" } = {}) {
  let res;
  const headers = {
    "content-type": "application/grpc-web+proto",
    "accept": "application/grpc-web+proto",
    "x-grpc-web": "1",
    "x-user-agent": "pipecd-cp-console",
    "grpc-timeout": `${timeoutMs}m`,
  };
  try {
    res = await fetch(path, { method: "POST", credentials: "include", headers, body: frame(message), signal });
  } catch (err) {
    if (err && err.name === "AbortError") throw new RpcError("CANCELLED", "The request was cancelled.", method);
    throw new RpcError("UNAVAILABLE", "Cannot reach the control plane.", method);
  }
  // Read the whole body even for an error, so the connection is free for the next call.
  let body;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch {
    throw new RpcError("UNAVAILABLE", "The connection to the control plane broke.", method);
  }
  const headerStatus = res.headers.get("grpc-status");
  if (headerStatus !== null && headerStatus !== "0") {
    throw new RpcError(codeName(Number(headerStatus)), decodeMessage(res.headers.get("grpc-message")), method);
  }
  if (!res.ok) {
    throw new RpcError(codeForHttp(res.status), `HTTP ${res.status} ${res.statusText}`.trim(), method);
  }
  let data = null;
  let trailers = null;
  for (let pos = 0; pos + 5 <= body.length;) {
    const flag = body[pos];
    const len = new DataView(body.buffer, body.byteOffset + pos + 1, 4).getUint32(0, false);
    const payload = body.subarray(pos + 5, pos + 5 + len);
    pos += 5 + len;
    if (flag & 0x80) trailers = parseTrailers(payload);
    else if (data === null) data = payload;
  }
  const status = trailers && "grpc-status" in trailers ? trailers["grpc-status"] : headerStatus;
  if (status !== null && status !== "0") {
    throw new RpcError(codeName(Number(status)), decodeMessage(trailers && trailers["grpc-message"]), method);
  }
  if (status === null) throw new RpcError("INTERNAL", "The response had no gRPC status.", method);
  if (data === null) throw new RpcError("INTERNAL", "The response had no message.", method);
  return data;
}
