import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createWaitForEntityAction } from './waitForEntity';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'course-reviews', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/courses-team' },
};

/** A catalog that holds the entity from its `appearsAfter`-th look on. */
function catalogWhere(appearsAfter: number) {
  let looks = 0;
  const getEntityByRef = jest.fn(async (ref: unknown) => {
    looks += 1;
    return looks > appearsAfter && ref === 'component:default/course-reviews'
      ? entity
      : undefined;
  });
  return {
    catalog: { getEntityByRef } as unknown as CatalogService,
    getEntityByRef,
  };
}

function run(
  catalog: CatalogService,
  input: Record<string, unknown>,
  isDryRun = false,
) {
  const action = createWaitForEntityAction({ catalog, intervalMillis: 10 });
  const ctx = {
    ...createMockActionContext({ input: input as any }),
    isDryRun,
  };
  const warn = jest.spyOn(ctx.logger, 'warn');
  return action.handler(ctx).then(() => ({ ...ctx, warn }));
}

describe('gitops:wait-for-entity', () => {
  it('a Component the catalog has not processed yet is waited for, so Open in catalog finds it', async () => {
    const { catalog, getEntityByRef } = catalogWhere(3);
    const ctx = await run(catalog, { entityRef: 'course-reviews' });
    expect(getEntityByRef).toHaveBeenCalledTimes(4);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/course-reviews',
    );
    expect(ctx.output).toHaveBeenCalledWith('found', true);
  });

  it('an entity that never appears stops the wait at timeoutSeconds, with a warning and found false', async () => {
    const { catalog } = catalogWhere(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const ctx = await run(catalog, {
      entityRef: 'component:default/course-reviews',
      timeoutSeconds: 1,
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(5000);
    expect(ctx.output).toHaveBeenCalledWith('found', false);
    expect(ctx.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /component:default\/course-reviews is not in the catalog after 1(\.\d)? s/,
      ),
    );
  });

  it('a dry run does not wait: nothing was published', async () => {
    const { catalog, getEntityByRef } = catalogWhere(0);
    const ctx = await run(
      catalog,
      { entityRef: 'component:default/course-reviews' },
      true,
    );
    expect(getEntityByRef).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('found', false);
  });

  it('a dry run that registered nothing (no entityRef) waits for nothing', async () => {
    const { catalog, getEntityByRef } = catalogWhere(0);
    const ctx = await run(catalog, {}, true);
    expect(getEntityByRef).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('found', false);
  });

  it('rejects entityRef "component:" with an error naming entityRef', async () => {
    const { catalog } = catalogWhere(0);
    await expect(run(catalog, { entityRef: 'component:' })).rejects.toThrow(
      'entityRef "component:" is not an entity ref',
    );
  });
});
