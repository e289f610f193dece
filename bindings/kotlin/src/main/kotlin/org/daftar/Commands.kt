package org.daftar

/**
 * A [CommandMeta] with a fresh op_id (UUID v7). Keep the returned value with
 * the pending command and pass the same one again when retrying: the book then
 * returns the first result and records nothing twice.
 */
fun commandMeta(actor: String, device: String): CommandMeta =
    CommandMeta(opId = newOpId(), actor = actor, device = device, recordedAt = null)
