import { render } from '@testing-library/react';
import { EvidenceList } from './ControlDetails';

describe('EvidenceList', () => {
  it('wraps a long evidence path at its slashes, never inside a file or folder name', () => {
    const { container } = render(
      <EvidenceList
        evidence={[
          {
            path: '.github/workflows/deploy-to-production-environment.yaml',
            line: 12,
          },
        ]}
      />,
    );
    const code = container.querySelector('code')!;
    expect(code).toHaveTextContent(
      '.github/workflows/deploy-to-production-environment.yaml:12',
    );
    // No break inside a word; a break opportunity after each '/'.
    expect(code).toHaveStyle({ wordBreak: 'normal', overflowWrap: 'normal' });
    expect(code.querySelectorAll('wbr')).toHaveLength(2);
    expect(code.innerHTML).toContain('.github/<wbr>workflows/<wbr>deploy');
  });
});
