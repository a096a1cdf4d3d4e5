import { Box, Typography } from '@material-ui/core';
import { PostureGrade } from '@cloud-native-portal/plugin-zero-trust-common';

const GRADE_COLORS: Record<PostureGrade, string> = {
  A: '#2e7d32',
  B: '#558b2f',
  C: '#f9a825',
  D: '#ef6c00',
  F: '#c62828',
};

/** The color of a grade, green (A) to red (F); grey with no grade. */
export function gradeColor(grade: PostureGrade | null): string {
  return grade ? GRADE_COLORS[grade] : '#757575';
}

/** A posture grade as a colored badge; `large` for the card header. */
export const GradeBadge = (props: {
  grade: PostureGrade | null;
  size?: 'large' | 'small';
}) => {
  const large = props.size !== 'small';
  const side = large ? 72 : 28;
  return (
    <Box
      role="img"
      aria-label={props.grade ? `Grade ${props.grade}` : 'No grade'}
      display="inline-flex"
      alignItems="center"
      justifyContent="center"
      width={side}
      height={side}
      borderRadius={large ? 12 : 6}
      bgcolor={gradeColor(props.grade)}
      color="#fff"
      flexShrink={0}
    >
      <Typography
        component="span"
        style={{ fontSize: large ? 44 : 16, fontWeight: 700, lineHeight: 1 }}
      >
        {props.grade ?? '–'}
      </Typography>
    </Box>
  );
};
