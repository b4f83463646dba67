package storage

import "context"

// Delete removes id's value and index entry atomically (one script on the
// bucket's slot) and reports whether a live value was removed.
func (n *Namespace) Delete(ctx context.Context, id string) (bool, error) {
	if err := n.c.checkOpen(); err != nil {
		return false, err
	}
	b := bucketOf(id)
	keys := []string{n.keys.indexKey(b), n.keys.valueKeyIn(b, id)}
	removed, err := removeScript.Eval(ctx, n.c.rdb, keys, "0", id).Int64()
	if err != nil {
		return false, wrapRedis("delete", err)
	}
	n.ops.deletes.Add(1)
	return removed == 1, nil
}
