// Command sqlite opens an in-memory SQLite database through
// github.com/mattn/go-sqlite3, a cgo database driver whose !cgo build is a
// stub that fails at run time.
package main

import (
	"database/sql"
	"fmt"
	"log"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("select sqlite_version()").Scan(&v); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sqlite", v)
}
