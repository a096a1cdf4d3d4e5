import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import { FactValue } from './facts';
import { evaluateRule } from './rules';

// arch-state-externalized over a stateless event-driven service: it depends
// only on an event-bus topic, which holds none of its state.
const check = DEFAULT_MATURITY_MODEL.checks.find(
  c => c.id === 'arch-state-externalized',
)!;

function statusOf(facts: Record<string, FactValue>) {
  return evaluateRule(check.rule, name =>
    name in facts
      ? { state: 'value', value: facts[name] }
      : { state: 'unknown', reason: 'not collected' },
  ).status;
}

const eventDriven = {
  'catalog.stateful': false,
  'catalog.dependsOnResourceCount': 1,
  'catalog.dependsOnResourceTypes': ['kafka-topic'],
};

describe('arch-state-externalized and cloud-native-portal/stateful: "false"', () => {
  it('passes a service that declares itself stateless and depends only on an event bus', () => {
    expect(
      statusOf({ ...eventDriven, 'catalog.statelessDeclared': true }),
    ).toBe('pass');
  });

  it('fails the same service without the declaration: the state is unaccounted for', () => {
    expect(
      statusOf({ ...eventDriven, 'catalog.statelessDeclared': false }),
    ).toBe('fail');
  });

  it('still passes a service with no Resources and no stateful annotation', () => {
    expect(
      statusOf({
        'catalog.stateful': false,
        'catalog.statelessDeclared': false,
        'catalog.dependsOnResourceCount': 0,
        'catalog.dependsOnResourceTypes': [],
      }),
    ).toBe('pass');
  });
});
