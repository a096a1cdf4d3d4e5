import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { teamReport } from '../__testUtils__/fixtures';
import { ToilTrendChart } from './TeamToilContent';

describe('ToilTrendChart', () => {
  it('says the months before the register started are not recorded, rather than drawing them as zero toil', async () => {
    await renderInTestApp(<ToilTrendChart report={teamReport} capacity={0} />);
    expect(
      screen.getByText(
        /The register starts in 2026-10; the month before it is not recorded, which is not zero toil\./,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/a rise that comes with a bar is toil being recorded/),
    ).toBeInTheDocument();
  });

  it('says nothing is recorded when the team has no row in these months', async () => {
    await renderInTestApp(
      <ToilTrendChart
        report={{
          ...teamReport,
          trend: teamReport.trend.map(p => ({
            ...p,
            hoursPerWeek: null,
            newlyRecorded: 0,
          })),
        }}
        capacity={0}
      />,
    );
    expect(
      screen.getByText(/Nothing recorded in these months/),
    ).toBeInTheDocument();
  });
});
