import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { LocalRepositoriesEntityProvider } from './catalogProvider';

describe('LocalRepositoriesEntityProvider', () => {
  const dir = createMockDirectory({
    content: {
      'course-reviews': { 'catalog-info.yaml': 'kind: Component\n' },
      'no-catalog-file': { 'README.md': '# nothing to register\n' },
    },
  });

  it('emits one file Location per repository with a catalog-info.yaml', async () => {
    const applyMutation = jest.fn();
    const provider = new LocalRepositoriesEntityProvider(
      dir.path,
      { run: jest.fn() },
      mockServices.logger.mock(),
    );
    await provider.connect({ applyMutation, refresh: jest.fn() });
    await provider.refresh();

    const target = dir.resolve('course-reviews/catalog-info.yaml');
    expect(applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [
        {
          locationKey: 'local-repositories',
          entity: expect.objectContaining({
            kind: 'Location',
            spec: { type: 'file', target },
          }),
        },
      ],
    });
  });

  it('emits nothing when the directory does not exist yet', async () => {
    const applyMutation = jest.fn();
    const provider = new LocalRepositoriesEntityProvider(
      dir.resolve('missing'),
      { run: jest.fn() },
      mockServices.logger.mock(),
    );
    await provider.connect({ applyMutation, refresh: jest.fn() });
    await provider.refresh();
    expect(applyMutation).toHaveBeenCalledWith({ type: 'full', entities: [] });
  });
});
