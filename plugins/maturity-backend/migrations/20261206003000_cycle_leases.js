/*
 * Leases of the evaluation cycle, shared by the backend replicas: one row for
 * the cycle (its number, its shard count, when it started) and one row per
 * shard (the last cycle it completed, and the replica holding it now).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maturity_cycle_leases', table => {
    table.comment(
      'The evaluation cycle and its shards, claimed by one replica at a time',
    );
    table
      .string('name', 64)
      .primary()
      .comment("'cycle', or 'shard:<index>' for one shard of the cycle");
    table
      .integer('cycle')
      .notNullable()
      .defaultTo(0)
      .comment(
        'cycle row: the number of the latest cycle; shard row: the last cycle it completed',
      );
    table
      .integer('shards')
      .nullable()
      .comment('cycle row: how many shards the latest cycle has');
    table
      .string('holder', 64)
      .nullable()
      .comment('shard row: the claim token of the replica running it');
    table
      .bigInteger('expires_at')
      .nullable()
      .comment('shard row: when the claim lapses unless renewed (epoch ms)');
    table
      .bigInteger('hold_until')
      .nullable()
      .comment('shard row: the claim is never renewed past this (epoch ms)');
    table
      .bigInteger('started_at')
      .nullable()
      .comment('cycle row: when the latest cycle started (epoch ms)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maturity_cycle_leases');
};
