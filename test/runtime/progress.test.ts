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

  it("counts a bar's rate from where the phase before ended, not from its first report", async () => {
    // the sort reports every 65,536 rows: a rate from its first report was 0 rows/s
    const { stream, written } = fakeStream(true);
    const bar = progressBar(stream);
    bar.onProgress!({
      phase: "scan",
      file: "np.csv",
      done: 10,
      total: 10,
      rows: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    bar.onProgress!({
      phase: "sort",
      file: "np.csv",
      done: 65_536,
      total: 100_000,
      rows: 65_536,
    });
    bar.stop();
    const text = written.join("");
    expect(text.slice(text.lastIndexOf("sort np.csv"))).toMatch(
      /· 65536 rows · [1-9]\d* rows\/s/,
    );
  });

  it("does nothing when the stream is not a terminal", () => {
    const { stream, written } = fakeStream(false);
    const bar = progressBar(stream);
    expect(bar.onProgress).toBeUndefined();
    bar.stop();
    expect(written).toEqual([]);
  });
});
