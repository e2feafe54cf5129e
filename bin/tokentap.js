#!/usr/bin/env node
// Entry point of the `tokentap` command; the compiled CLI lives in dist/.
import { main } from "../dist/main/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(
      `tokentap: ${error instanceof Error ? error.stack : String(error)}`,
    );
    process.exitCode = 70;
  },
);
