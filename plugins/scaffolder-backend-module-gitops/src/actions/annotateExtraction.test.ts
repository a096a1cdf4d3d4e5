import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'fs';
import { parseAllDocuments } from 'yaml';
import { createAnnotateExtractionAction } from './annotateExtraction';

const SERVICE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: notification-service
  annotations:
    cloud-native-portal/template: template:default/cloud-native-service
spec:
  type: service
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: notification-service-api
`;

const MONOLITH = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: classroom-monolith
  annotations:
    cloud-native-portal/capabilities: 'courses, notifications'
spec:
  type: monolith
`;

describe('gitops:annotate-extraction', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());
  const action = createAnnotateExtractionAction();
  const run = (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    return { ctx, done: action.handler(ctx) };
  };
  const annotations = (path: string) =>
    parseAllDocuments(readFileSync(workspace.resolve(path), 'utf8'))[0].toJS()
      .metadata.annotations;

  it("sets the three extraction annotations on the service's Component, today by default", async () => {
    workspace.setContent({ 'catalog-info.yaml': SERVICE });
    const { ctx, done } = run({
      monolith: 'classroom-monolith',
      capability: 'notifications',
    });
    await done;
    const today = new Date().toISOString().slice(0, 10);
    expect(annotations('catalog-info.yaml')).toEqual({
      'cloud-native-portal/template': 'template:default/cloud-native-service',
      'cloud-native-portal/extracted-from':
        'component:default/classroom-monolith',
      'cloud-native-portal/extracted-capability': 'notifications',
      'cloud-native-portal/extracted-at': today,
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/notification-service',
    );
    expect(ctx.output).toHaveBeenCalledWith('extractedAt', today);
  });

  it("adds the capability to the monolith's routed-capabilities in its own file", async () => {
    workspace.setContent({ '.monolith/catalog/classroom.yaml': MONOLITH });
    const input = {
      monolith: 'component:default/classroom-monolith',
      capability: 'notifications',
      side: 'monolith',
      path: '.monolith/catalog/classroom.yaml',
    };
    await run(input).done;
    await run({ ...input, capability: 'reporting' }).done;
    await run(input).done;
    expect(annotations('.monolith/catalog/classroom.yaml')).toEqual({
      'cloud-native-portal/capabilities': 'courses, notifications',
      'cloud-native-portal/routed-capabilities': 'notifications, reporting',
    });
  });

  it('refuses bad input and leaves the file as it was', async () => {
    workspace.setContent({ 'catalog-info.yaml': SERVICE });
    const base = { monolith: 'classroom-monolith', capability: 'reporting' };
    await expect(
      run({ ...base, extractedAt: '2026-13-01' }).done,
    ).rejects.toThrow(/extractedAt "2026-13-01" is not a day/);
    await expect(
      run({ ...base, capability: 'Reporting!' }).done,
    ).rejects.toThrow(/is not a capability name/);
    await expect(
      run({ ...base, path: '../outside.yaml' }).done,
    ).rejects.toThrow(/outside the workspace/);
    await expect(run({ ...base, path: 'missing.yaml' }).done).rejects.toThrow(
      /"missing.yaml" is not a file in the workspace/,
    );
    // The service file holds no monolith entity.
    await expect(run({ ...base, side: 'monolith' }).done).rejects.toThrow(
      /catalog-info.yaml: the catalog-info file has no Component component:default\/classroom-monolith/,
    );
    expect(readFileSync(workspace.resolve('catalog-info.yaml'), 'utf8')).toBe(
      SERVICE,
    );
    // The monolith's own file is not a service.
    workspace.setContent({ 'catalog-info.yaml': MONOLITH });
    await expect(run(base).done).rejects.toThrow(/use side: monolith/);
    expect(readFileSync(workspace.resolve('catalog-info.yaml'), 'utf8')).toBe(
      MONOLITH,
    );
  });
});
