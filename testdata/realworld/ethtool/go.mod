module example.com/realworld/ethtool

go 1.26.0

require github.com/safchain/ethtool v0.7.0

require golang.org/x/sys v0.50.0 // indirect
