module github.com/brightpath/lesson-player-api

go 1.23
