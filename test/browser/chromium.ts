/**
 * Headless Chromium for the browser tests, installed from the project's own files: the binary
 * ships (brotli-compressed) inside the `@sparticuz/chromium` npm package, `puppeteer-core` drives
 * it; both are pinned devDependencies, so `npm ci` is all a fresh clone needs (nothing is
 * downloaded from elsewhere). The binary is unpacked once per version into a private folder under
 * the system's temporary folder (`regel-chromium-<version>`), published by a rename so that two
 * test runs never see half a binary. Text is rendered with the fonts of the same package only
 * (Open Sans), so what the tests measure does not depend on the fonts of the machine.
 *
 * When Chromium cannot be unpacked or started, {@link launchBrowser} throws an error that says so
 * and how to fix it: the browser tests fail, they are never skipped.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser } from "puppeteer-core";
import { HOST_TMPDIR_VARIABLE } from "../global-setup.js";

const require = createRequire(import.meta.url);

/** The version of the Chromium package, e.g. `147.0.0` (Chromium 147). */
export const CHROMIUM_PACKAGE_VERSION: string = (
  JSON.parse(
    readFileSync(
      join(
        dirname(require.resolve("@sparticuz/chromium")),
        "..",
        "..",
        "package.json",
      ),
      "utf8",
    ),
  ) as { version: string }
).version;

/**
 * Switches for a headless shell on a machine without a display or GPU, run as any user (root
 * included, hence no sandbox). Unlike the package's own serverless list, web security stays on:
 * the tests check the pages' Content-Security-Policy.
 */
const ARGS = [
  "--no-sandbox",
  "--no-zygote",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--font-render-hinting=none",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-extensions",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--metrics-recording-only",
  "--mute-audio",
];

/** Unpack the binary and its fonts once per package version; the folder holding them. */
async function unpacked(): Promise<string> {
  // the machine's temporary folder, not the test run's (removed after the run): unpacked once
  const home = join(
    process.env[HOST_TMPDIR_VARIABLE] ?? tmpdir(),
    `regel-chromium-${CHROMIUM_PACKAGE_VERSION}`,
  );
  if (existsSync(join(home, "chromium"))) return home;
  const staging = mkdtempSync(`${home}-`);
  const saved = process.env.TMPDIR;
  // the package unpacks into os.tmpdir(), which reads TMPDIR on every call
  process.env.TMPDIR = staging;
  try {
    await chromium.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  writeFileSync(
    join(staging, "fonts.conf"),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${home}/fonts</dir><cachedir>${home}/fonts-cache</cachedir></fontconfig>\n`,
  );
  try {
    renameSync(staging, home);
  } catch {
    // another run published it first
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

/** Start headless Chromium; throws a clear error when it cannot. */
export async function launchBrowser(): Promise<Browser> {
  const source = `@sparticuz/chromium ${CHROMIUM_PACKAGE_VERSION} (npm devDependency)`;
  let home: string;
  try {
    home = await unpacked();
  } catch (e) {
    throw new Error(
      `the browser tests need headless Chromium from ${source}, and it could not be unpacked: ${(e as Error).message}. Run \`npm ci\` to install it.`,
    );
  }
  try {
    return await puppeteer.launch({
      executablePath: join(home, "chromium"),
      headless: "shell",
      args: ARGS,
      env: { ...process.env, FONTCONFIG_FILE: join(home, "fonts.conf") },
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(
      `the browser tests need headless Chromium from ${source}, and it did not start (${join(home, "chromium")}; a shared library it needs may be missing on this system): ${(e as Error).message}`,
    );
  }
}
