import { describe, expect, it } from 'vitest';
import { LOAD_FAILED, loadErrorLine, loadFailureOf } from '../../src/worker/load-error.js';

// Stacks as Node 20 gives them for support code that fails to load (each from a real `import()` of such a file).
const SYNTAX =
  "/suite/features/support/steps.js:3\nthis is not javascript;\n     ^^\n\nSyntaxError: Unexpected identifier 'is'\n    at wrapSafe (node:internal/modules/cjs/loader:1464:18)\n    at Module._compile (node:internal/modules/cjs/loader:1495:20)";
const MISSING =
  "Error: Cannot find module 'no-such-module'\nRequire stack:\n- /suite/features/support/missing.js\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)\n    at require (node:internal/modules/helpers:182:18)\n    at Object.<anonymous> (/suite/features/support/missing.js:2:1)\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)";
const THROWS =
  'TypeError: boom\n    at Object.<anonymous> (/suite/features/support/throws.js:2:7)\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)';
const ESM_SYNTAX =
  "SyntaxError: Unexpected identifier 'is'\n    at compileSourceTextModule (node:internal/modules/esm/utils:346:16)\n    at async ModuleJob._link (node:internal/modules/esm/module_job:148:19)";
const TS_NODE =
  "TSError: ⨯ Unable to compile TypeScript:\nfeatures/support/steps.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\n    at createTSError (/suite/node_modules/ts-node/src/index.ts:859:12)\n    at Object.<anonymous> (file:///suite/features/support/steps.ts:3:7)";

describe("a warm worker's load error, in one line", () => {
  it('names the error and where in the suite it was thrown, relative to the worker’s folder', () => {
    expect(loadErrorLine(SYNTAX, '/suite')).toBe(
      "SyntaxError: Unexpected identifier 'is' (features/support/steps.js:3)",
    );
    expect(loadErrorLine(MISSING, '/suite')).toBe(
      "Error: Cannot find module 'no-such-module' (features/support/missing.js:2)",
    );
    expect(loadErrorLine(THROWS, '/suite/')).toBe('TypeError: boom (features/support/throws.js:2)');
    expect(loadErrorLine(TS_NODE, '/suite')).toBe(
      "TSError: ⨯ Unable to compile TypeScript: features/support/steps.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'. (features/support/steps.ts:3)",
    );
  });

  it('says the message alone when no frame is in the suite’s files, and outside the folder the whole path', () => {
    expect(loadErrorLine(ESM_SYNTAX, '/suite')).toBe("SyntaxError: Unexpected identifier 'is'");
    expect(loadErrorLine(THROWS, '/elsewhere')).toBe('TypeError: boom (/suite/features/support/throws.js:2)');
    expect(loadErrorLine('a string was thrown', '/suite')).toBe('a string was thrown');
    expect(loadErrorLine(`Error: ${'x'.repeat(1000)}`, '/suite')).toHaveLength(300);
  });

  it('reads only its own line, and a line it cannot read names nothing', () => {
    const line = `${LOAD_FAILED} ${JSON.stringify({ stack: THROWS, cwd: '/suite' })}`;
    expect(loadFailureOf(line)).toBe('TypeError: boom (features/support/throws.js:2)');
    expect(loadFailureOf(`${LOAD_FAILED} {"stack": 3}`)).toBeUndefined();
    expect(loadFailureOf(`${LOAD_FAILED} not json`)).toBeUndefined();
    expect(loadFailureOf(`said ${line}`)).toBeUndefined();
  });
});
