import { createServer } from 'node:net';
import { fetchReportingUnreachable, networkCode } from './network';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}

describe('fetchReportingUnreachable', () => {
  it('names the host and the system error of a connection that got no answer', async () => {
    const port = await closedPort();
    await expect(
      fetchReportingUnreachable()(`http://127.0.0.1:${port}/api/v1/x`),
    ).rejects.toThrow(
      new Error(`could not reach 127.0.0.1:${port}: ECONNREFUSED`),
    );
  });

  it('names the host of a URL or a Request, and the message when there is no code', async () => {
    const failing = fetchReportingUnreachable(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(
      failing(new URL('https://git.example.com:8443/repos')),
    ).rejects.toThrow('could not reach git.example.com:8443: fetch failed');
    await expect(
      failing(new Request('https://registry.example.com/v2/')),
    ).rejects.toThrow('could not reach registry.example.com: fetch failed');
  });

  it('passes answers and aborts through unchanged', async () => {
    const answer = new Response('ok', { status: 503 });
    expect(
      await fetchReportingUnreachable(async () => answer)('https://a.example'),
    ).toBe(answer);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    await expect(
      fetchReportingUnreachable(async () => {
        throw abort;
      })('https://a.example'),
    ).rejects.toBe(abort);
  });
});

describe('networkCode', () => {
  it('finds the code on the error or a cause, at most five levels down', () => {
    expect(networkCode({ code: 'ENOTFOUND' })).toBe('ENOTFOUND');
    expect(
      networkCode(new Error('x', { cause: { cause: { code: 'EAI_AGAIN' } } })),
    ).toBe('EAI_AGAIN');
    let deep: unknown = { code: 'ECONNRESET' };
    for (let i = 0; i < 5; i++) deep = { cause: deep };
    expect(networkCode(deep)).toBeUndefined();
    expect(networkCode(new Error('no code'))).toBeUndefined();
  });
});
