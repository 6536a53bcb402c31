import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // One test file per core (vitest's default leaves one core free): many files spend their time
    // waiting for `regel` processes they start. On a 2-core machine 448 s against 646 s.
    maxWorkers: availableParallelism(),
    globalSetup: ["test/global-setup.ts"],
  },
});
