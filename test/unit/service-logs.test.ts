import type Docker from 'dockerode';
import Modem from 'docker-modem';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ServiceLogs } from '../../src/runtime/swarm/service-logs.js';

/** One frame of the engine's multiplexed log stream: stream type, three zero bytes, the size, the payload. */
function frame(stream: 'stdout' | 'stderr', text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/**
 * A service's log as the engine serves it: the follow (a stream the test feeds) and, for each later plain
 * read, the whole log so far. Demultiplexing is docker-modem's own.
 */
function engine(wholeLog: () => Buffer[]) {
  const follow = new PassThrough();
  const modem = {
    demuxStream: Modem.prototype.demuxStream,
    dial(options: { options: { follow: boolean } }, callback: (error: unknown, stream?: unknown) => void) {
      if (options.options.follow) return callback(null, follow);
      const read = new PassThrough();
      callback(null, read);
      for (const chunk of wholeLog()) read.write(chunk);
      read.end();
    },
  };
  return { docker: { modem } as unknown as Docker, follow };
}

function sinks() {
  const got = { stdout: '', stderr: '', ends: 0 };
  return {
    got,
    sinks: {
      stdout: (chunk: Buffer) => void (got.stdout += chunk.toString()),
      stderr: (chunk: Buffer) => void (got.stderr += chunk.toString()),
      end: () => void got.ends++,
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A ServiceLogs following the service's log (the test feeds `follow`), with what reached its sinks in `got`. */
async function following(wholeLog: () => Buffer[]) {
  const { docker, follow } = engine(wholeLog);
  const { got, sinks: out } = sinks();
  const logs = new ServiceLogs(docker, 'svc', out);
  await logs.startFollowing();
  return { logs, follow, got };
}

describe('ServiceLogs', () => {
  it('delivers every byte once: live from the follow, the rest from the final read', async () => {
    const all = [
      frame('stdout', 'one\n'),
      frame('stderr', 'err\n'),
      frame('stdout', 'two\n'),
      frame('stdout', 'three, no newline'),
    ];
    const { logs, follow, got } = await following(() => all);
    // The follow has the first three frames, and holds back the unterminated last line.
    follow.write(Buffer.concat(all.slice(0, 3)));
    await flush();
    expect(got).toEqual({ stdout: 'one\ntwo\n', stderr: 'err\n', ends: 0 });
    await logs.complete();
    expect(got).toEqual({ stdout: 'one\ntwo\nthree, no newline', stderr: 'err\n', ends: 1 });
  });

  it('delivers nothing once closed, and ends the sinks once, even if a final read was under way', async () => {
    const { logs, follow, got } = await following(() => [frame('stdout', 'from the final read\n')]);
    // The feature is removed while its final read is being opened (a cancel after the task ended).
    const completing = logs.complete();
    logs.close();
    await completing;
    follow.write(frame('stdout', 'late\n'));
    await flush();
    expect(got).toEqual({ stdout: '', stderr: '', ends: 1 });
  });

  it('refuses a log that is shorter than what the follow delivered (rotated), rather than skip bytes', async () => {
    const { logs, follow, got } = await following(() => [frame('stdout', 'tail only\n')]);
    follow.write(frame('stdout', 'a long beginning that rotated away\n'));
    await flush();
    await expect(logs.complete()).rejects.toThrow(/stdout log is shorter than what was already read .*rotated/);
    expect(got.ends).toBe(1);
  });
});
