/*
 * A cycle skips the entities whose inputs did not change. Each score row keeps
 * the hash of what its evaluation read (facts, waivers, catalog fields and the
 * model) and when its last history point was written, so that a skipped
 * entity still gets its one history point a day without a read of the
 * history table.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('maturity_entity_scores', table => {
    table
      .string('input_hash', 64)
      .nullable()
      .comment(
        'SHA-1 of the inputs of the last evaluation; null forces the next cycle to evaluate',
      );
    table
      .timestamp('snapshot_at', { useTz: true })
      .nullable()
      .comment('When the last history point of the entity was written');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('maturity_entity_scores', table => {
    table.dropColumn('input_hash');
    table.dropColumn('snapshot_at');
  });
};
