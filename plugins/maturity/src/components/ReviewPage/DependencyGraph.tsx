import { DependencyGraphTypes } from '@backstage/core-components';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityNode,
  EntityRelationsGraph,
} from '@backstage/plugin-catalog-graph';
import { useNavigate } from 'react-router-dom';
import {
  entityPagePath,
  LEVEL_NAMES,
  levelColor,
  levelTextColor,
} from '../common';

const WIDTH = 180;
const HEIGHT = 44;

/** The system's dependency graph, each node coloured by its overall level. */
export function DependencyGraph(props: {
  rootRef: string;
  levels: Map<string, number>;
}) {
  const { rootRef, levels } = props;
  const navigate = useNavigate();
  const renderNode: DependencyGraphTypes.RenderNodeFunction<EntityNode> = ({
    node,
  }) => {
    const ref = stringifyEntityRef(node.entity);
    const level = levels.get(ref);
    const title = node.entity.metadata.title ?? node.entity.metadata.name;
    const label = level
      ? `${title} · L${level} ${LEVEL_NAMES[level]}`
      : `${title} (${node.entity.kind})`;
    return (
      <g onClick={node.onClick} style={{ cursor: 'pointer' }}>
        <rect
          width={WIDTH}
          height={HEIGHT}
          rx={8}
          fill={level ? levelColor(level) : '#eceff1'}
          stroke={node.focused ? '#000' : '#90a4ae'}
          strokeWidth={node.focused ? 2 : 1}
        />
        <text
          x={WIDTH / 2}
          y={HEIGHT / 2}
          textAnchor="middle"
          alignmentBaseline="middle"
          fontSize={11}
          fill={level ? levelTextColor(level) : '#263238'}
        >
          {label.length > 30 ? `${label.slice(0, 29)}…` : label}
        </text>
      </g>
    );
  };
  return (
    <EntityRelationsGraph
      rootEntityNames={parseEntityRef(rootRef)}
      kinds={['System', 'Component', 'API', 'Resource']}
      maxDepth={2}
      renderNode={renderNode}
      zoom="enable-on-click"
      onNodeClick={node =>
        navigate(entityPagePath(stringifyEntityRef(node.entity)))
      }
    />
  );
}
