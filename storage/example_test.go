package storage_test

import (
	"context"
	"fmt"
	"os"

	"github.com/nanographrag/nano-graphrag-redis/storage"
	"github.com/vmihailenco/msgpack/v5"
)

func Example() {
	ctx := context.Background()
	client, err := storage.New(ctx, &storage.Options{
		URL:       os.Getenv("NGR_TEST_REDIS_URL"), // e.g. redis://127.0.0.1:6379
		KeyPrefix: "example_" + fmt.Sprint(os.Getpid()),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	docs, err := client.Namespace("full_docs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer docs.Drop(ctx)

	value, _ := msgpack.Marshal(map[string]string{"content": "hello"})
	n, err := docs.Upsert(ctx, []storage.Item{{ID: "doc-1", Value: value}})
	fmt.Println(n, err)

	stored, err := docs.Get(ctx, "doc-1")
	var doc map[string]string
	_ = msgpack.Unmarshal(stored, &doc)
	fmt.Println(doc["content"], err)

	missing, _ := docs.Get(ctx, "doc-2")
	fmt.Println(missing == nil)
	// Output:
	// 1 <nil>
	// hello <nil>
	// true
}
