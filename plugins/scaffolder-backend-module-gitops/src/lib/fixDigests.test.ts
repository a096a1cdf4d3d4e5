import { createMockDirectory } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  collectRepoFacts,
  readLocalTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { listFiles } from './files';
import { planDigestPins } from './fixDigests';
import { FixPlan, planFix } from './fixes';
import { scanMaturity } from './scan';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;

/** A resolver that knows some images, and records every lookup. */
function registry(known: Record<string, string>) {
  const lookups: string[] = [];
  const resolveDigest = async (image: string) => {
    lookups.push(image);
    const digest = known[image];
    if (!digest) throw new NotFoundError(`Image ${image}: no such tag`);
    return digest;
  };
  return { lookups, resolveDigest };
}

const LOCAL_REPOS = resolve(__dirname, '../../../../examples/local-repos');

describe('planDigestPins', () => {
  const repo = createMockDirectory();
  const merged = createMockDirectory();

  async function plan(
    files: Record<string, string>,
    resolveDigest: (image: string) => Promise<string>,
    skippedPaths: string[] = [],
  ) {
    repo.setContent(files);
    const tree = await readLocalTree(repo.path);
    return planFix(tree, 'base-image-digests', { resolveDigest, skippedPaths });
  }

  async function pinnedFact(files: Record<string, string>, p?: FixPlan) {
    merged.setContent({ ...files, ...Object.fromEntries(p?.files ?? []) });
    return collectRepoFacts(await readLocalTree(merged.path)).facts[
      'repo.dockerfile.baseImagesPinned'
    ];
  }

  it('pins every floating FROM of a multi-stage Dockerfile, changing only its image token', async () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'FROM --platform=$BUILDPLATFORM node AS build   # the builder',
      'WORKDIR /app',
      'RUN npm ci',
      '',
      'FROM build AS test',
      'RUN npm test',
      '',
      'from   gcr.io/distroless/nodejs22:latest as runtime',
      'FROM eclipse-temurin:21-jre',
      'COPY --from=build /app /app',
      'USER 1000',
      '',
    ].join('\r\n');
    const files = { Dockerfile: dockerfile };
    const { lookups, resolveDigest } = registry({
      'node:latest': DIGEST,
      'gcr.io/distroless/nodejs22:latest': OTHER,
    });
    expect(await pinnedFact(files)).toBe(false);
    const p = await plan(files, resolveDigest);
    expect(p.modified).toEqual(['Dockerfile']);
    expect(p.added).toEqual([]);
    expect(p.reason).toBeUndefined();
    expect(p.files.get('Dockerfile')).toBe(
      dockerfile
        .replace(
          '$BUILDPLATFORM node AS',
          `$BUILDPLATFORM node:latest@${DIGEST} AS`,
        )
        .replace(
          'gcr.io/distroless/nodejs22:latest as',
          `gcr.io/distroless/nodejs22:latest@${OTHER} as`,
        ),
    );
    // Version-tagged images stay as they are: only failing FROMs change.
    expect(lookups.sort()).toEqual([
      'gcr.io/distroless/nodejs22:latest',
      'node:latest',
    ]);
    expect(p.changes).toEqual([
      {
        path: 'Dockerfile',
        what: `pin 2 base images by digest (node:latest@${DIGEST}, gcr.io/distroless/nodejs22:latest@${OTHER})`,
      },
    ]);
    expect(p.notes).toEqual([
      'Dockerfile:6: FROM build builds on an earlier stage; nothing to pin',
    ]);
    expect(await pinnedFact(files, p)).toBe(true);
  });

  it('looks each distinct image up once, however many FROMs and Dockerfiles name it', async () => {
    const files = {
      'api/Dockerfile': 'FROM python AS deps\nFROM python\n',
      'worker/Dockerfile': 'FROM python:latest\n',
    };
    const { lookups, resolveDigest } = registry({ 'python:latest': DIGEST });
    const p = await plan(files, resolveDigest);
    expect(lookups).toEqual(['python:latest']);
    expect(p.files.get('api/Dockerfile')).toBe(
      `FROM python:latest@${DIGEST} AS deps\nFROM python:latest@${DIGEST}\n`,
    );
    expect(p.files.get('worker/Dockerfile')).toBe(
      `FROM python:latest@${DIGEST}\n`,
    );
  });

  it('leaves scratch and images named by build arguments as they are, with notes', async () => {
    const files = {
      Dockerfile: [
        'ARG BASE=alpine',
        'ARG TOOLS=busybox:1.36',
        'FROM $TOOLS AS pinned',
        'FROM $BASE AS tools',
        'FROM ${RUNTIME:-debian}',
        'FROM scratch',
        'COPY --from=tools /bin/sh /sh',
        '',
      ].join('\n'),
    };
    const { lookups, resolveDigest } = registry({});
    const p = await plan(files, resolveDigest);
    expect(lookups).toEqual([]);
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes).toEqual([
      'Dockerfile:4: FROM $BASE names its image with a build argument; pin it by hand (for example in the ARG default)',
      'Dockerfile:5: FROM ${RUNTIME:-debian} names its image with a build argument; pin it by hand (for example in the ARG default)',
      'Dockerfile:6: FROM scratch has no image to pin',
    ]);
  });

  it('a lookup that fails leaves that FROM alone, with a note naming the image and the error; the other is pinned', async () => {
    const files = {
      Dockerfile: 'FROM golang AS build\nFROM ghcr.io/acme/runtime\n',
    };
    const { resolveDigest } = registry({ 'golang:latest': DIGEST });
    const p = await plan(files, resolveDigest);
    expect(p.files.get('Dockerfile')).toBe(
      `FROM golang:latest@${DIGEST} AS build\nFROM ghcr.io/acme/runtime\n`,
    );
    expect(p.notes).toEqual([
      'Dockerfile:2: the digest of ghcr.io/acme/runtime:latest could not be looked up (Image ghcr.io/acme/runtime:latest: no such tag); pin it by hand',
    ]);
    expect(p.reason).toBeUndefined();
  });

  it('when no floating image can be pinned: no change, needs a change by hand', async () => {
    const files = { Dockerfile: 'FROM node\n' };
    const p = await plan(files, registry({}).resolveDigest);
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes).toEqual([
      'Dockerfile:1: the digest of node:latest could not be looked up (Image node:latest: no such tag); pin it by hand',
    ]);
    // No resolver at all: the same.
    repo.setContent(files);
    const part = await planDigestPins(
      await readLocalTree(repo.path),
      [],
      undefined,
    );
    expect(part.reason).toBe('needs a change by hand');
    expect(part.notes[0]).toContain('no registry lookup configured');
  });

  it('a Dockerfile under skippedPaths, or one that was not read, is never changed', async () => {
    const files = {
      'app/Dockerfile': 'FROM node\n',
      'tools/Dockerfile': 'FROM node\n',
      'big/Dockerfile': `FROM node\n# ${'x'.repeat(2 * 1024 * 1024)}\n`,
    };
    const { lookups, resolveDigest } = registry({ 'node:latest': DIGEST });
    const p = await plan(files, resolveDigest, [
      'tools',
      'legacy/Containerfile',
    ]);
    expect([...p.files.keys()]).toEqual(['app/Dockerfile']);
    expect(lookups).toEqual(['node:latest']);
    expect(p.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^big\/Dockerfile was not read \(.+\); pin its base images by hand$/,
        ),
        'legacy/Containerfile was not copied; pin its base images by hand',
        'tools/Dockerfile was not copied; pin its base images by hand',
      ]),
    );
  });

  it('a repository whose base images are pinned already: already fixed, no lookup', async () => {
    const files = {
      Dockerfile: `FROM node:22-slim AS build\nFROM gcr.io/distroless/nodejs22@${DIGEST}\nFROM scratch\n`,
    };
    expect(await pinnedFact(files)).toBe(true);
    const { lookups, resolveDigest } = registry({});
    const p = await plan(files, resolveDigest);
    expect(lookups).toEqual([]);
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('already fixed');
    expect(
      await planFix(await readLocalTree(repo.path), 'base-image-digests', {
        resolveDigest,
      }),
    ).toMatchObject({ added: [], modified: [], reason: 'already fixed' });
  });

  it('a Dockerfile without FROM, and a malformed digest, need a change by hand', async () => {
    const files = {
      'a/Dockerfile': 'RUN echo hi\n',
      'b/Dockerfile': 'FROM node@sha256:abc\n',
    };
    const p = await plan(
      files,
      registry({ 'node:latest': DIGEST }).resolveDigest,
    );
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes).toEqual([
      'a/Dockerfile has no FROM instruction; add one by hand',
      'b/Dockerfile:1: FROM node@sha256:abc has a malformed digest; pin it by hand',
    ]);
  });

  it('a resolver answering something that is not a digest changes nothing', async () => {
    const files = { Dockerfile: 'FROM node\n' };
    const p = await plan(files, async () => 'sha256:short');
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes[0]).toContain('would not read as pinned');
  });

  const withDockerfile = readdirSync(LOCAL_REPOS).filter(name =>
    readdirSync(join(LOCAL_REPOS, name)).includes('Dockerfile'),
  );
  describe.each(withDockerfile)('demo repository %s', name => {
    it('merging the plan makes delivery-base-images-pinned pass, or it is already fixed', async () => {
      const source = join(LOCAL_REPOS, name);
      const files: Record<string, string> = {};
      for (const path of await listFiles(source)) {
        files[path] = await fs.readFile(join(source, path), 'utf8');
      }
      repo.setContent(files);
      const status = (await scanMaturity(repo.path)).results.find(
        r => r.checkId === 'delivery-base-images-pinned',
      )?.status;
      const p = await plan(files, async () => DIGEST);
      // A repository failing today gets a change; one passing gets none.
      const failsToday = status === 'fail';
      expect({
        status,
        reason: p.reason,
        changed: p.modified.length > 0,
      }).toEqual(
        failsToday
          ? { status: 'fail', reason: undefined, changed: true }
          : { status: 'pass', reason: 'already fixed', changed: false },
      );
      merged.setContent({ ...files, ...Object.fromEntries(p.files) });
      const after = await scanMaturity(merged.path);
      expect(
        after.results.find(r => r.checkId === 'delivery-base-images-pinned')
          ?.status,
      ).toBe('pass');
    });
  });

  it('at least one demo repository fails the check today', async () => {
    const statuses = await Promise.all(
      withDockerfile.map(
        async name =>
          (
            await scanMaturity(join(LOCAL_REPOS, name))
          ).results.find(r => r.checkId === 'delivery-base-images-pinned')
            ?.status,
      ),
    );
    expect(statuses).toContain('fail');
  });
});
