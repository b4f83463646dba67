package storage

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go-redis copies universalOptions into the cluster and failover options;
// this catches a setting that its copy drops (e.g. after an upgrade), which
// would then get go-redis' own default (e.g. five dials per attempt, not one).
func TestClusterAndFailoverOptionsCopyEveryNodeSetting(t *testing.T) {
	o, err := (&Options{}).resolve()
	require.NoError(t, err)
	ep := endpoint{network: "tcp", addrs: []string{"127.0.0.1:1"}}
	node := reflect.ValueOf(nodeOptions(&o, ep, nil)).Elem()
	for name, copied := range map[string]reflect.Value{
		"cluster":  reflect.ValueOf(clusterOptions(&o, ep, nil)).Elem(),
		"failover": reflect.ValueOf(failoverOptions(&o, ep, nil)).Elem(),
	} {
		for i := 0; i < node.NumField(); i++ {
			field, want := node.Type().Field(i), node.Field(i)
			got := copied.FieldByName(field.Name)
			if !field.IsExported() || want.IsZero() || !got.IsValid() {
				continue // unset in nodeOptions, or no such field in the copy
			}
			if want.Kind() == reflect.Func {
				assert.False(t, got.IsNil(), "%s options: %s not copied", name, field.Name)
				continue
			}
			assert.Equal(t, want.Interface(), got.Interface(), "%s options: %s", name, field.Name)
		}
	}
}
