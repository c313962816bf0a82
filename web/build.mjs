// Build the console into ../webroot: one minified ES module and one stylesheet under
// webroot/assets/ with content hashes in their names (served with a one-year cache), and
// webroot/index.html pointing at them (always revalidated).
//
//   node web/build.mjs           # write webroot/
//   node web/build.mjs --check   # build into a temporary folder; exit 1 if webroot/ differs
//
// The output depends only on the sources and the esbuild version pinned in package-lock.json,
// so the committed webroot/ is reproducible. Use web/build, which also regenerates the
// protobuf descriptor and installs esbuild.
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const webroot = join(here, "..", "webroot");
const check = process.argv.includes("--check");

function hashName(base, ext, bytes) {
  return `${base}-${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}${ext}`;
}

async function build(out) {
  const assets = join(out, "assets");
  mkdirSync(assets, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(here, "src", "main.js")],
    bundle: true,
    minify: true,
    format: "esm",
    target: ["chrome109", "firefox115", "safari16"],
    write: false,
    outdir: assets,
    legalComments: "none",
    charset: "utf8",
    logLevel: "warning",
  });
  const files = {};
  for (const f of result.outputFiles) {
    const ext = f.path.endsWith(".css") ? ".css" : ".js";
    const name = hashName("app", ext, f.contents);
    writeFileSync(join(assets, name), f.contents);
    files[ext] = `/assets/${name}`;
  }
  const icon = readFileSync(join(here, "src", "favicon.svg"));
  const iconName = hashName("favicon", ".svg", icon);
  writeFileSync(join(assets, iconName), icon);
  const index = readFileSync(join(here, "index.html"), "utf8")
    .replace("%JS%", files[".js"]).replace("%CSS%", files[".css"]).replace("%ICON%", `/assets/${iconName}`);
  writeFileSync(join(out, "index.html"), index);
}

function listing(dir, prefix = "") {
  const out = new Map();
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) for (const [k, v] of listing(join(dir, e.name), rel + "/")) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, e.name)));
  }
  return out;
}

if (check) {
  const tmp = mkdtempSync(join(tmpdir(), "console-"));
  try {
    await build(tmp);
    const want = listing(tmp);
    const have = listing(webroot);
    const drift = [...new Set([...want.keys(), ...have.keys()])]
      .filter((k) => !want.has(k) || !have.has(k) || !want.get(k).equals(have.get(k))).sort();
    if (drift.length) {
      console.log("webroot/ drifts from web/src (run: web/build):\n" + drift.map((d) => `  webroot/${d}`).join("\n"));
      process.exit(1);
    }
    console.log(`webroot/ matches web/src (${want.size} files)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  const tmp = mkdtempSync(join(tmpdir(), "console-"));
  try {
    await build(tmp);
    rmSync(webroot, { recursive: true, force: true });
    mkdirSync(join(webroot, "assets"), { recursive: true });
    for (const [rel] of listing(tmp)) copyFileSync(join(tmp, rel), join(webroot, rel));
    for (const [rel, bytes] of listing(webroot)) console.log(`webroot/${rel}  ${bytes.length} bytes`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
