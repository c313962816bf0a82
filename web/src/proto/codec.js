// Protobuf binary encoding of WebService messages, driven by the descriptor generated from protos/
// (./descriptor.js, written by web/gen_descriptor.py; no field number is written by hand here).
//
// JS shape of a message (close to protobuf's JSON mapping):
// - fields by their JSON name (lowerCamelCase): `app.gitPath.repo.id`;
// - enums as their value names ("DEPLOYMENT_RUNNING"); an unknown number stays a number;
// - 64-bit integers as Numbers (timestamps and counters stay far below 2^53);
// - bytes as Uint8Array; maps as plain objects; google.protobuf.*Value wrappers as the bare value
//   or null when absent;
// - decoding fills every field: scalars with their zero value, repeated with [], maps with {},
//   sub-messages with null. Encoding skips zero values (proto3 implicit presence).
import D from "./descriptor.js";

const T = { DOUBLE: 1, FLOAT: 2, INT64: 3, UINT64: 4, INT32: 5, FIXED64: 6, FIXED32: 7, BOOL: 8,
  STRING: 9, MESSAGE: 11, BYTES: 12, UINT32: 13, ENUM: 14, SFIXED32: 15, SFIXED64: 16, SINT32: 17,
  SINT64: 18 };
const REPEATED = 1;
const MAP = 2;
const WRAPPER = /^google\.protobuf\.(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value$/;
const TWO32 = 4294967296;

const utf8enc = new TextEncoder();
const utf8dec = new TextDecoder();

// ------------------------------------------------------------------ descriptor tables

const tables = new Map(); // message name -> {fields, byNumber}
const enumsByName = new Map(); // enum name -> {toNumber: Map, toName: Map}

function enumTable(name) {
  let t = enumsByName.get(name);
  if (!t) {
    const values = D.enums[name];
    if (!values) throw new Error(`unknown enum ${name}`);
    t = { toNumber: new Map(values), toName: new Map(values.map(([n, v]) => [v, n])), values };
    enumsByName.set(name, t);
  }
  return t;
}

function table(name) {
  let t = tables.get(name);
  if (t) return t;
  const raw = D.messages[name];
  if (!raw) throw new Error(`unknown message ${name}`);
  const fields = raw.map(([number, json, type, flags, typeName]) => {
    const f = { number, json, type, flags, typeName, wrapper: null, entry: null };
    if (type === T.MESSAGE && WRAPPER.test(typeName)) f.wrapper = D.messages[typeName][0][2];
    if (flags === MAP) {
      const [k, v] = D.messages[typeName];
      f.entry = { keyType: k[2], valueType: v[2], valueTypeName: v[4] };
    }
    return f;
  });
  t = { fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
  tables.set(name, t);
  return t;
}

/** [name, number] pairs of an enum, in declaration order (for filters and selects). */
export function enumValues(name) {
  return enumTable(name).values;
}

/** The number of an enum value given by name (or already a number). */
export function enumNumber(name, value) {
  if (typeof value === "number") return value;
  const n = enumTable(name).toNumber.get(value);
  if (n === undefined) throw new Error(`${value} is not a value of ${name}`);
  return n;
}

/** [inputType, outputType] of a WebService method, or undefined. */
export function methodTypes(method) {
  return D.methods[method];
}

export const SERVICE = D.service;

// ------------------------------------------------------------------ encoding

class Writer {
  constructor() {
    this.buf = new Uint8Array(64);
    this.pos = 0;
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  byte(b) {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  varint(v) { // a non-negative Number below 2^53
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  varint64(v) { // any integer (Number, BigInt or decimal string), two's complement on 64 bits
    let b = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (b >= 0x80n) {
      this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.pos++] = Number(b);
  }
  tag(number, wire) {
    this.varint(number * 8 + wire);
  }
  bytes(u8) {
    this.varint(u8.length);
    this.ensure(u8.length);
    this.buf.set(u8, this.pos);
    this.pos += u8.length;
  }
  fixed(size, fn) {
    this.ensure(size);
    fn(new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size));
    this.pos += size;
  }
  finish() {
    return this.buf.slice(0, this.pos);
  }
}

function wireType(type) {
  switch (type) {
    case T.DOUBLE: case T.FIXED64: case T.SFIXED64: return 1;
    case T.FLOAT: case T.FIXED32: case T.SFIXED32: return 5;
    case T.STRING: case T.BYTES: case T.MESSAGE: return 2;
    default: return 0;
  }
}

function isZero(type, v) {
  if (v === undefined || v === null) return true;
  if (type === T.STRING) return v === "";
  if (type === T.BYTES) return v.length === 0;
  if (type === T.BOOL) return !v;
  if (type === T.MESSAGE) return false;
  return v === 0 || v === "0" || v === 0n;
}

function writeScalar(w, type, v, typeName) {
  switch (type) {
    case T.STRING: w.bytes(utf8enc.encode(v)); break;
    case T.BYTES: w.bytes(v); break;
    case T.BOOL: w.varint(v ? 1 : 0); break;
    case T.ENUM: {
      const n = enumNumber(typeName, v);
      if (n < 0) w.varint64(n); else w.varint(n);
      break;
    }
    case T.INT32: case T.UINT32:
      if (Number.isSafeInteger(v) && v >= 0) w.varint(v); else w.varint64(type === T.UINT32 ? v >>> 0 : v);
      break;
    case T.INT64: case T.UINT64:
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) w.varint(v); else w.varint64(v);
      break;
    case T.SINT32: w.varint(((v << 1) ^ (v >> 31)) >>> 0); break;
    case T.SINT64: {
      const b = BigInt(v);
      w.varint64((b << 1n) ^ (b >> 63n));
      break;
    }
    case T.DOUBLE: w.fixed(8, (dv) => dv.setFloat64(0, v, true)); break;
    case T.FLOAT: w.fixed(4, (dv) => dv.setFloat32(0, v, true)); break;
    case T.FIXED32: w.fixed(4, (dv) => dv.setUint32(0, v >>> 0, true)); break;
    case T.SFIXED32: w.fixed(4, (dv) => dv.setInt32(0, v, true)); break;
    case T.FIXED64: w.fixed(8, (dv) => dv.setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true)); break;
    case T.SFIXED64: w.fixed(8, (dv) => dv.setBigInt64(0, BigInt.asIntN(64, BigInt(v)), true)); break;
    default: throw new Error(`unsupported field type ${type}`);
  }
}

function writeMessage(w, name, obj) {
  for (const f of table(name).fields) {
    const v = obj[f.json];
    if (v === undefined || v === null) continue;
    if (f.flags === MAP) {
      for (const [key, value] of Object.entries(v)) {
        const sub = new Writer();
        const k = f.entry.keyType === T.STRING || f.entry.keyType === T.BOOL ? key : Number(key);
        if (!isZero(f.entry.keyType, k)) {
          sub.tag(1, wireType(f.entry.keyType));
          writeScalar(sub, f.entry.keyType, k);
        }
        if (f.entry.valueType === T.MESSAGE) {
          sub.tag(2, 2);
          sub.bytes(encode(f.entry.valueTypeName, value ?? {}));
        } else if (!isZero(f.entry.valueType, value)) {
          sub.tag(2, wireType(f.entry.valueType));
          writeScalar(sub, f.entry.valueType, value, f.entry.valueTypeName);
        }
        w.tag(f.number, 2);
        w.bytes(sub.finish());
      }
    } else if (f.flags === REPEATED) {
      if (!v.length) continue;
      const wt = wireType(f.type);
      if (wt !== 2) { // packed, as proto3 does for every repeated number
        const sub = new Writer();
        for (const item of v) writeScalar(sub, f.type, item, f.typeName);
        w.tag(f.number, 2);
        w.bytes(sub.finish());
      } else {
        for (const item of v) {
          w.tag(f.number, 2);
          if (f.type === T.MESSAGE) w.bytes(encode(f.typeName, item));
          else writeScalar(w, f.type, item, f.typeName);
        }
      }
    } else if (f.wrapper !== null) {
      w.tag(f.number, 2);
      w.bytes(encode(f.typeName, { value: v }));
    } else if (f.type === T.MESSAGE) {
      w.tag(f.number, 2);
      w.bytes(encode(f.typeName, v));
    } else if (!isZero(f.type, f.type === T.ENUM ? enumNumber(f.typeName, v) : v)) {
      w.tag(f.number, wireType(f.type));
      writeScalar(w, f.type, v, f.typeName);
    }
  }
}

/** Encode `obj` as the message `name` (fully qualified, e.g. "model.Application"). */
export function encode(name, obj) {
  const w = new Writer();
  writeMessage(w, name, obj || {});
  return w.finish();
}

// ------------------------------------------------------------------ decoding

class Reader {
  constructor(buf, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.lo = 0; // the last varint, as two unsigned 32-bit halves
    this.hi = 0;
  }
  // Reads a varint into this.lo / this.hi (exact on 64 bits); returns lo for convenience.
  varint() {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b < 0x80) {
      this.lo = b;
      this.hi = 0;
      return b;
    }
    let lo = b & 0x7f;
    let shift = 7;
    for (; shift < 28; shift += 7) {
      b = buf[this.pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return this.lo;
      }
    }
    b = buf[this.pos++]; // bits 28..34
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (shift = 3; shift < 32; shift += 7) {
        b = buf[this.pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      if (b >= 0x80) throw new Error("malformed varint");
    }
    if (this.pos > this.end) throw new Error("truncated message");
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this.lo;
  }
  int64() {
    this.varint();
    if (this.hi & 0x80000000) { // negative: two's complement
      const lo = (~this.lo + 1) >>> 0;
      const hi = (~this.hi + (lo === 0 ? 1 : 0)) >>> 0;
      return -(hi * TWO32 + lo);
    }
    return this.hi * TWO32 + this.lo;
  }
  uint64() {
    this.varint();
    return this.hi * TWO32 + this.lo;
  }
  sint64() {
    this.varint();
    const neg = this.lo & 1;
    let lo = ((this.lo >>> 1) | (this.hi << 31)) >>> 0;
    let hi = this.hi >>> 1;
    if (neg) {
      lo = (~lo) >>> 0;
      hi = (~hi) >>> 0;
      return -(hi * TWO32 + lo);
    }
    return hi * TWO32 + lo;
  }
  length() {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Error("truncated message");
    return n;
  }
  view(size) {
    if (this.pos + size > this.end) throw new Error("truncated message");
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return dv;
  }
  skip(wire) {
    switch (wire) {
      case 0: this.varint(); break;
      case 1: this.pos += 8; break;
      case 2: this.pos += this.length(); break;
      case 5: this.pos += 4; break;
      default: throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

function readScalar(r, type, typeName) {
  switch (type) {
    case T.STRING: {
      const n = r.length();
      const s = utf8dec.decode(r.buf.subarray(r.pos, r.pos + n));
      r.pos += n;
      return s;
    }
    case T.BYTES: {
      const n = r.length();
      const b = r.buf.slice(r.pos, r.pos + n);
      r.pos += n;
      return b;
    }
    case T.BOOL: r.varint(); return r.lo !== 0 || r.hi !== 0;
    case T.ENUM: {
      const n = r.varint() | 0;
      const name = enumTable(typeName).toName.get(n);
      return name === undefined ? n : name;
    }
    case T.INT32: return r.varint() | 0;
    case T.UINT32: return r.varint() >>> 0;
    case T.SINT32: {
      const n = r.varint();
      return (n >>> 1) ^ -(n & 1);
    }
    case T.INT64: return r.int64();
    case T.UINT64: return r.uint64();
    case T.SINT64: return r.sint64();
    case T.DOUBLE: return r.view(8).getFloat64(0, true);
    case T.FLOAT: return r.view(4).getFloat32(0, true);
    case T.FIXED32: return r.view(4).getUint32(0, true);
    case T.SFIXED32: return r.view(4).getInt32(0, true);
    case T.FIXED64: return Number(r.view(8).getBigUint64(0, true));
    case T.SFIXED64: return Number(r.view(8).getBigInt64(0, true));
    default: throw new Error(`unsupported field type ${type}`);
  }
}

function zero(type, typeName) {
  switch (type) {
    case T.STRING: return "";
    case T.BOOL: return false;
    case T.BYTES: return new Uint8Array(0);
    case T.ENUM: {
      const name = enumTable(typeName).toName.get(0);
      return name === undefined ? 0 : name;
    }
    case T.MESSAGE: return null;
    default: return 0;
  }
}

function defaults(t) {
  const obj = {};
  for (const f of t.fields) {
    if (f.flags === REPEATED) obj[f.json] = [];
    else if (f.flags === MAP) obj[f.json] = {};
    else obj[f.json] = f.wrapper !== null ? null : zero(f.type, f.typeName);
  }
  return obj;
}

function readMapEntry(r, end, f, obj) {
  const { keyType, valueType, valueTypeName } = f.entry;
  let key = zero(keyType);
  let value;
  while (r.pos < end) {
    const tag = r.varint();
    const number = tag >>> 3;
    if (number === 1) key = readScalar(r, keyType);
    else if (number === 2) {
      if (valueType === T.MESSAGE) {
        const n = r.length();
        value = readMessage(r, r.pos + n, valueTypeName);
      } else {
        value = readScalar(r, valueType, valueTypeName);
      }
    } else r.skip(tag & 7);
  }
  if (value === undefined) value = valueType === T.MESSAGE ? defaults(table(valueTypeName)) : zero(valueType, valueTypeName);
  obj[f.json][String(key)] = value;
}

function readMessage(r, end, name) {
  const t = table(name);
  const obj = defaults(t);
  while (r.pos < end) {
    const tag = r.varint();
    const wire = tag & 7;
    const f = t.byNumber.get(tag >>> 3);
    if (f === undefined) {
      r.skip(wire);
      continue;
    }
    if (f.flags === MAP) {
      const n = r.length();
      readMapEntry(r, r.pos + n, f, obj);
    } else if (f.type === T.MESSAGE) {
      const n = r.length();
      const sub = readMessage(r, r.pos + n, f.typeName);
      if (f.flags === REPEATED) obj[f.json].push(sub);
      else obj[f.json] = f.wrapper !== null ? sub.value : sub;
    } else if (f.flags === REPEATED) {
      const list = obj[f.json];
      if (wire === 2 && wireType(f.type) !== 2) { // packed
        const n = r.length(); // read before r.pos: length() moves it
        const stop = r.pos + n;
        while (r.pos < stop) list.push(readScalar(r, f.type, f.typeName));
      } else {
        list.push(readScalar(r, f.type, f.typeName));
      }
    } else {
      obj[f.json] = readScalar(r, f.type, f.typeName);
    }
  }
  if (r.pos !== end) throw new Error(`malformed ${name}`);
  return obj;
}

/** Decode bytes (a Uint8Array) as the message `name`. */
export function decode(name, bytes) {
  const r = new Reader(bytes);
  return readMessage(r, bytes.length, name);
}
