import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { InputError } from '@backstage/errors';
import { readFileSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { createSetCatalogOwnerAction } from './setCatalogOwner';

const CATALOG = `# Services of the assessments area
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: learning-platform
spec:
  owner: learning-experience
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: quiz-engine
spec:
  type: service
  lifecycle: production
  owner: unassigned # nobody yet
`;

describe('ownership:catalog:set-owner', () => {
  const dir = createMockDirectory();
  const action = createSetCatalogOwnerAction();

  beforeEach(() => {
    dir.setContent({ 'catalog-info.yaml': CATALOG });
  });

  const run = (input: Record<string, unknown>, isDryRun = false) => {
    // The mock context does not pass isDryRun through, so set it here.
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath: dir.path,
      }),
      isDryRun,
    };
    return action.handler(ctx).then(() => ctx);
  };

  it('sets spec.owner of the named entity only, keeping comments', async () => {
    const ctx = await run({
      entityRef: 'component:default/quiz-engine',
      owner: 'group:default/assessments-team',
    });
    const text = readFileSync(resolve(dir.path, 'catalog-info.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map(d => d.toJS());
    expect(docs[0].spec.owner).toBe('learning-experience');
    expect(docs[1].spec.owner).toBe('group:default/assessments-team');
    expect(text).toContain('# Services of the assessments area');
    expect(ctx.output).toHaveBeenCalledWith('previousOwner', 'unassigned');
    expect(ctx.output).toHaveBeenCalledWith(
      'owner',
      'group:default/assessments-team',
    );
  });

  it('changes nothing in a dry run, but reports the change', async () => {
    const ctx = await run(
      { entityRef: 'component:default/quiz-engine', owner: 'courses-team' },
      true,
    );
    expect(readFileSync(resolve(dir.path, 'catalog-info.yaml'), 'utf8')).toBe(
      CATALOG,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'owner',
      'group:default/courses-team',
    );
  });

  it('writes the change to targetFilePath, in a dry run too, leaving filePath as it was', async () => {
    const ctx = await run(
      {
        entityRef: 'component:default/quiz-engine',
        owner: 'courses-team',
        targetFilePath: 'change/catalog-info.yaml',
      },
      true,
    );
    expect(readFileSync(resolve(dir.path, 'catalog-info.yaml'), 'utf8')).toBe(
      CATALOG,
    );
    const changed = readFileSync(
      resolve(dir.path, 'change/catalog-info.yaml'),
      'utf8',
    );
    expect(parseAllDocuments(changed).map(d => d.toJS())[1].spec.owner).toBe(
      'group:default/courses-team',
    );
    expect(ctx.output).toHaveBeenCalledWith('previousOwner', 'unassigned');
  });

  it('rejects a targetFilePath outside the workspace (targetFilePath "../elsewhere.yaml")', async () => {
    await expect(
      run({
        entityRef: 'component:default/quiz-engine',
        owner: 'courses-team',
        targetFilePath: '../elsewhere.yaml',
      }),
    ).rejects.toThrow(
      'Invalid targetFilePath "../elsewhere.yaml": it is outside the workspace',
    );
  });

  it('rejects a User as the new owner (owner "user:default/dana.okafor")', async () => {
    await expect(
      run({
        entityRef: 'component:default/quiz-engine',
        owner: 'user:default/dana.okafor',
      }),
    ).rejects.toThrow(/Invalid owner .* must be a Group/);
  });

  it('rejects a malformed owner ref (owner "group:")', async () => {
    await expect(
      run({ entityRef: 'component:default/quiz-engine', owner: 'group:' }),
    ).rejects.toThrow(/Invalid owner "group:"/);
  });

  it('rejects an entity that is not in the file (component:default/nope)', async () => {
    await expect(
      run({ entityRef: 'component:default/nope', owner: 'courses-team' }),
    ).rejects.toThrow(
      'component:default/nope is not defined in the catalog file',
    );
  });

  it.each(['../catalog-info.yaml', '/etc/passwd', 'a/../../catalog-info.yaml'])(
    'rejects filePath %j outside the workspace with an InputError naming filePath',
    async filePath => {
      const error = await run({
        entityRef: 'component:default/quiz-engine',
        owner: 'courses-team',
        filePath,
      }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `Invalid filePath "${filePath}": it is outside the workspace`,
      );
    },
  );

  it('rejects filePath "escape.yaml", a symlink out of the workspace, with an InputError naming filePath', async () => {
    const outside = createMockDirectory({
      content: { 'catalog-info.yaml': CATALOG },
    });
    symlinkSync(
      resolve(outside.path, 'catalog-info.yaml'),
      resolve(dir.path, 'escape.yaml'),
    );
    const error = await run({
      entityRef: 'component:default/quiz-engine',
      owner: 'courses-team',
      filePath: 'escape.yaml',
    }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Invalid filePath "escape.yaml"/);
    expect(
      readFileSync(resolve(outside.path, 'catalog-info.yaml'), 'utf8'),
    ).toBe(CATALOG);
  });

  it('rejects a missing file (missing.yaml)', async () => {
    await expect(
      run({
        entityRef: 'component:default/quiz-engine',
        owner: 'courses-team',
        filePath: 'missing.yaml',
      }),
    ).rejects.toThrow(/Invalid filePath "missing.yaml"/);
  });
});

describe('the fix-catalog-owner template', () => {
  const template = parse(
    readFileSync(
      resolve(
        __dirname,
        '../../../../templates/fix-catalog-owner/template.yaml',
      ),
      'utf8',
    ),
  );

  it('is registered in templates/all.yaml', () => {
    const all = parse(
      readFileSync(
        resolve(__dirname, '../../../../templates/all.yaml'),
        'utf8',
      ),
    );
    expect(all.spec.targets).toContain('./fix-catalog-owner/template.yaml');
  });

  it("reads the entity's own repository, sets the owner with this action, and proposes it on GitHub or on a local branch", () => {
    expect(template.kind).toBe('Template');
    expect(template.metadata.name).toBe('fix-catalog-owner');
    expect(template.steps ?? template.spec.steps).toBeDefined();
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([
      'gitops:fetch-entity-source',
      createSetCatalogOwnerAction().id,
      'gitops:open-pr',
      'gitops:open-pr',
    ]);
  });

  it('restricts the new owner to Groups', () => {
    const owner = template.spec.parameters[0].properties.owner;
    expect(owner['ui:field']).toBe('OwnerPicker');
    expect(owner['ui:options'].catalogFilter.kind).toBe('Group');
  });
});
