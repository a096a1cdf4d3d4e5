// The HTTP questions the adopter test asks the created app's backend: one real
// request per plugin, as a signed-in (guest) user of that app.

const ENTITY = 'component/default/example-website';

async function json(base, path, token, init = {}) {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

function expect(cond, message, answer) {
  if (!cond) {
    throw new Error(
      `${message}${
        answer
          ? `\n  answer ${answer.status}: ${answer.text.slice(0, 800)}`
          : ''
      }`,
    );
  }
}

async function eventually(what, fn, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s: ${last?.message}`,
  );
}

export async function runHttpChecks(base, { log }) {
  // A user token from the app's guest sign-in.
  const session = await json(base, '/api/auth/guest/refresh', undefined, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = session.body?.backstageIdentity?.token;
  expect(token, 'guest sign-in gave no token', session);

  await eventually('the catalog has the example entity', async () => {
    const a = await json(
      base,
      `/api/catalog/entities/by-name/${ENTITY}`,
      token,
    );
    expect(a.status === 200, 'not yet', a);
  });

  // Maturity: a scorecard for the entity. The first cycle runs at startup; a
  // refresh is asked for too, which a policy may refuse to a guest.
  await json(base, `/api/maturity/entity/${ENTITY}/refresh`, token, {
    method: 'POST',
  });
  const card = await eventually('maturity: the scorecard', async () => {
    const a = await json(base, `/api/maturity/entity/${ENTITY}`, token);
    expect(
      a.status === 200 &&
        a.body &&
        'score' in a.body &&
        Array.isArray(a.body?.checks) &&
        a.body.checks.length > 0,
      'maturity: GET /api/maturity/entity/... has no scorecard (score, checks)',
      a,
    );
    return a;
  });
  log(
    `maturity scorecard: score ${card.body.score}, ${card.body.checks.length} checks`,
  );

  // Zero trust: the posture of a service with a source tree, scanned by the
  // zero-trust collector.
  const SERVICE = 'component/default/adopter-service';
  const posture = await eventually('zero-trust: the posture', async () => {
    const a = await json(base, `/api/maturity/entity/${SERVICE}/facts`, token);
    const set = Array.isArray(a.body?.items)
      ? a.body.items.find(i => i.collector === 'zeroTrust')
      : undefined;
    expect(
      a.status === 200 &&
        set?.status === 'ok' &&
        typeof set.facts?.['zeroTrust.score'] === 'number' &&
        typeof set.facts?.['zeroTrust.grade'] === 'string',
      'zero-trust: no zeroTrust posture (score, grade) for the service',
      a,
    );
    return set;
  });
  log(
    `zero-trust posture: score ${posture.facts['zeroTrust.score']}, grade ${posture.facts['zeroTrust.grade']}`,
  );

  // Toil: the register.
  const toil = await json(base, '/api/toil/tasks', token);
  expect(
    toil.status === 200 &&
      (Array.isArray(toil.body) || Array.isArray(toil.body?.items)),
    'toil: GET /api/toil/tasks is not a list',
    toil,
  );
  log('toil list answered');

  // Ownership: the coverage report.
  const report = await eventually(
    'ownership: the coverage report',
    async () => {
      const a = await json(base, '/api/ownership/coverage', token);
      expect(
        a.status === 200 &&
          typeof a.body?.total === 'number' &&
          a.body.total > 0,
        'ownership: GET /api/ownership/coverage has no report',
        a,
      );
      return a;
    },
  );
  log(
    `ownership report: ${report.body.total} entities, ${report.body.percentage}%`,
  );

  // Scaffolder: our actions are registered.
  const actions = await json(base, '/api/scaffolder/v2/actions', token);
  const ids = Array.isArray(actions.body) ? actions.body.map(a => a.id) : [];
  const ours = ids.filter(id => id.startsWith('gitops:'));
  expect(
    actions.status === 200 && ours.length > 0,
    'scaffolder: GET /api/scaffolder/v2/actions lists no gitops:* action',
    actions,
  );
  log(`scaffolder actions: ${ours.join(', ')}`);
}
