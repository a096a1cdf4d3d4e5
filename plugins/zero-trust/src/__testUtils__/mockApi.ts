import { ZeroTrustApi } from '../api/ZeroTrustApi';

/** A ZeroTrustApi whose every method is a jest mock with empty answers. */
export function mockZeroTrustApi(
  overrides: Partial<ZeroTrustApi> = {},
): jest.Mocked<ZeroTrustApi> {
  return {
    getEntityPosture: jest.fn(async () => undefined),
    getScoreHistory: jest.fn(async () => []),
    getPostureSummary: jest.fn(async () => []),
    getControlStatusCounts: jest.fn(async () => []),
    getEntitiesWithCriticalFailures: jest.fn(async () => ({
      items: [],
      totalCount: 0,
    })),
    ...overrides,
  } as jest.Mocked<ZeroTrustApi>;
}
