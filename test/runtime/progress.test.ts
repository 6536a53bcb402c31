import { describe, expect, it } from "vitest";
import { progressBar } from "../../runtime/progress.js";

/** A stand-in for a terminal stream that keeps what is written. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (s: string) => (written.push(s), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
}

describe("progress bar", () => {
  it("draws on a terminal (cli-progress loaded on first use) and shows the cursor again on stop", () => {
    const { stream, written } = fakeStream(true);
    const bar = progressBar(stream);
    bar.onProgress!({
      phase: "scan",
      file: "np.csv",
      done: 5,
      total: 10,
      rows: 7,
    });
    bar.stop();
    const text = written.join("");
    expect(text).toContain("scan np.csv");
    expect(text).toContain("7 rows");
    expect(text).toContain("\x1b[?25h");
  });

  it("does nothing when the stream is not a terminal", () => {
    const { stream, written } = fakeStream(false);
    const bar = progressBar(stream);
    expect(bar.onProgress).toBeUndefined();
    bar.stop();
    expect(written).toEqual([]);
  });
});
