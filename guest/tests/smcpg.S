/*
 * smcpg uses the same snippets as smc (see smc.S).
 */
#include "guest/tests/smc.S"
