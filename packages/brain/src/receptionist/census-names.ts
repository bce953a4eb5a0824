/**
 * The most frequent first names (500 male and 500 female, interleaved by rank) and surnames (2,000) of
 * the 1990 United States Census ("Frequently Occurring First Names and Surnames From the 1990 Census",
 * U.S. Census Bureau; a work of the U.S. Government, public domain), lower-case, most frequent first.
 * The recogniser's language model learns callers' names from them (buildPhraseSpec).
 */
const words = (list: string) => list.trim().split(/\s+/);

export const CENSUS_FIRST_NAMES: readonly string[] = words(`
james mary john patricia robert linda michael barbara william elizabeth david jennifer richard maria charles susan
joseph margaret thomas dorothy christopher lisa daniel nancy paul karen mark betty donald helen george sandra kenneth
donna steven carol edward ruth brian sharon ronald michelle anthony laura kevin sarah jason kimberly matthew deborah
gary jessica timothy shirley jose cynthia larry angela jeffrey melissa frank brenda scott amy eric anna stephen
rebecca andrew virginia raymond kathleen gregory pamela joshua martha jerry debra dennis amanda walter stephanie
patrick carolyn peter christine harold marie douglas janet henry catherine carl frances arthur ann ryan joyce roger
diane joe alice juan julie jack heather albert teresa jonathan doris justin gloria terry evelyn gerald jean keith
cheryl samuel mildred willie katherine ralph joan lawrence ashley nicholas judith roy rose benjamin janice bruce kelly
brandon nicole adam judy harry christina fred kathy wayne theresa billy beverly steve denise louis tammy jeremy irene
aaron jane randy lori howard rachel eugene marilyn carlos andrea russell kathryn bobby louise victor sara martin anne
ernest jacqueline phillip wanda todd bonnie jesse julia craig ruby alan lois shawn tina clarence phyllis sean norma
philip paula chris diana johnny annie earl lillian jimmy emily antonio robin danny peggy bryan crystal tony gladys
luis rita mike dawn stanley connie leonard florence nathan tracy dale edna manuel tiffany rodney carmen curtis rosa
norman cindy allen grace marvin wendy vincent victoria glenn edith jeffery kim travis sherry jeff sylvia chad
josephine jacob thelma lee shannon melvin sheila alfred ethel kyle ellen francis elaine bradley marjorie jesus carrie
herbert charlotte frederick monica ray esther joel pauline edwin emma don juanita eddie anita ricky rhonda troy hazel
randall amber barry eva alexander debbie bernard april mario leslie leroy clara francisco lucille marcus jamie micheal
joanne theodore eleanor clifford valerie miguel danielle oscar megan jay alicia jim suzanne tom michele calvin gail
alex bertha jon darlene ronnie veronica bill jill lloyd erin tommy geraldine leon lauren derek cathy warren joann
darrell lorraine jerome lynn floyd sally leo regina alvin erica tim beatrice wesley dolores gordon bernice dean audrey
greg yvonne jorge annette dustin june pedro samantha derrick marion dan dana lewis stacy zachary ana corey renee
herman ida maurice vivian vernon roberta roberto holly clyde brittany glen melanie hector loretta shane yolanda
ricardo jeanette sam laurie rick katie lester kristen brent vanessa ramon alma charlie sue tyler elsie gilbert beth
gene jeanne marc vicki reginald carla ruben tara brett rosemary angel eileen nathaniel terri rafael gertrude lucy
edgar tonya milton ella raul stacey ben wilma chester gina cecil kristin duane jessie franklin natalie andre agnes
elmer vera brad gabriel charlene ron bessie mitchell delores roland melinda arnold pearl harvey arlene jared maureen
adrian colleen karl allison cory tamara claude joy erik georgia darryl constance lillie neil claudia jackie christian
marcia javier tanya fernando nellie clinton minnie ted marlene mathew heidi tyrone glenda darren lydia lonnie viola
lance courtney cody marian julio stella caroline kurt dora allan jo nelson vickie guy mattie clayton hugh maxine max
irma dwayne mabel dwight marsha armando myrtle felix lena jimmie christy everett deanna jordan patsy ian hilda wallace
gwendolyn ken jennie bob nora jaime margie casey nina alfredo cassandra alberto leah dave penny ivan kay johnnie
priscilla sidney naomi byron carole julian brandy isaac olga morris billie clifton dianne willard tracey daryl leona
ross jenny virgil felicia andy sonia marshall miriam salvador velma perry becky kirk bobbie sergio violet kristina
toni seth misty kent mae terrance shelly rene daisy eduardo ramona terrence sherri enrique erika freddie katrina wade
claire austin lindsey stuart lindsay fredrick geneva arturo guadalupe alejandro belinda margarita joey sheryl nick
cora luther faye wendell ada jeremiah natasha evan sabrina julius isabel marguerite donnie hattie otis harriet molly
trevor cecilia oliver kristi luke brandi homer blanche gerard sandy doug rosie kenny joanna hubert iris angelo eunice
shaun angie lyle inez matt lynda madeline alfonso amelia orlando alberta rex genevieve carlton monique ernesto jodi
cameron janie neal maggie pablo kayla lorenzo sonya omar jan wilbur blake kristine grant candace horace fannie
roderick maryann kerry opal abraham alison willis yvette rickey melody luz ira susie andres olivia cesar flora
johnathan shelley malcolm kristy rudolph mamie damon lula kelvin lola rudy verna preston beulah alton antoinette
archie candice marco juana wm jeannette pete pam randolph kelli garry hannah geoffrey whitney jonathon bridget felipe
karla bennie celia gerardo latoya ed patty dominic shelia gayle loren della delbert vicky colin lynne guillermo sheri
earnest marianne lucas kara benny jacquelyn noel erma spencer blanca rodolfo myra myron leticia edmund pat garrett
krista salvatore roxanne cedric angelica lowell gregg robyn sherman wilson adrienne devin rosalie sylvester alexandra
brooke roosevelt bethany israel sadie jermaine bernadette forrest traci wilbert jody leland kendra simon jasmine
nichole clark rachael irving chelsea carroll mable bryant ernestine owen muriel rufus marcella woodrow elena sammy
krystal kristopher angelina mack nadine levi kari marcos estelle gustavo dianna jake paulette lionel lora marty mona
taylor doreen ellis rosemarie dallas gilberto desiree clint antonia nicolas hope laurence ginger ismael janis orville
betsy drew christie freda ervin mercedes dewey meredith al lynette wilfred teri josh cristina hugo eula ignacio leigh
caleb meghan tomas sophia sheldon eloise erick rochelle frankie gretchen stewart cecelia doyle raquel darrel henrietta
rogelio alyssa terence jana santiago kelley alonzo gwen elias bert jenna elbert tricia ramiro laverne conrad olive
alexis noah tasha grady silvia phil elvira cornelius lamar delia rolando sophie clay kate percy patti dexter lorena
bradford kellie merle sonja darin lila amos lana terrell darla moses may irvin mindy saul essie roman mandy darnell
lorene randal elsa tommie josefina timmy jeannie darrin miranda winston dixie brendan lucia toby marta van faith abel
lela dominick johanna boyd shari camille tami emilio shawna elijah elisa cary ebony domingo melba santos ora aubrey
nettie emmett tabitha marlon ollie emanuel jerald winifred edmond kristie
`);

export const CENSUS_SURNAMES: readonly string[] = words(`
smith johnson williams jones brown davis miller wilson moore taylor anderson thomas jackson white harris martin
thompson garcia martinez robinson clark rodriguez lewis lee walker hall allen young hernandez king wright lopez hill
scott green adams baker gonzalez nelson carter mitchell perez roberts turner phillips campbell parker evans edwards
collins stewart sanchez morris rogers reed cook morgan bell murphy bailey rivera cooper richardson cox howard ward
torres peterson gray ramirez james watson brooks kelly sanders price bennett wood barnes ross henderson coleman
jenkins perry powell long patterson hughes flores washington butler simmons foster gonzales bryant alexander russell
griffin diaz hayes myers ford hamilton graham sullivan wallace woods cole west jordan owens reynolds fisher ellis
harrison gibson mcdonald cruz marshall ortiz gomez murray freeman wells webb simpson stevens tucker porter hunter
hicks crawford henry boyd mason morales kennedy warren dixon ramos reyes burns gordon shaw holmes rice robertson hunt
black daniels palmer mills nichols grant knight ferguson rose stone hawkins dunn perkins hudson spencer gardner
stephens payne pierce berry matthews arnold wagner willis ray watkins olson carroll duncan snyder hart cunningham
bradley lane andrews ruiz harper fox riley armstrong carpenter weaver greene lawrence elliott chavez sims austin
peters kelley franklin lawson fields gutierrez ryan schmidt carr vasquez castillo wheeler chapman oliver montgomery
richards williamson johnston banks meyer bishop mccoy howell alvarez morrison hansen fernandez garza harvey little
burton stanley nguyen george jacobs reid kim fuller lynch dean gilbert garrett romero welch larson frazier burke
hanson day mendoza moreno bowman medina fowler brewer hoffman carlson silva pearson holland douglas fleming jensen
vargas byrd davidson hopkins may terry herrera wade soto walters curtis neal caldwell lowe jennings barnett graves
jimenez horton shelton barrett obrien castro sutton gregory mckinney lucas miles craig rodriquez chambers holt lambert
fletcher watts bates hale rhodes pena beck newman haynes mcdaniel mendez bush vaughn parks dawson santiago norris
hardy love steele curry powers schultz barker guzman page munoz ball keller chandler weber leonard walsh lyons ramsey
wolfe schneider mullins benson sharp bowen daniel barber cummings hines baldwin griffith valdez hubbard salazar reeves
warner stevenson burgess santos tate cross garner mann mack moss thornton dennis mcgee farmer delgado aguilar vega
glover manning cohen harmon rodgers robbins newton todd blair higgins ingram reese cannon strickland townsend potter
goodwin walton rowe hampton ortega patton swanson joseph francis goodman maldonado yates becker erickson hodges rios
conner adkins webster norman malone hammond flowers cobb moody quinn blake maxwell pope floyd osborne paul mccarthy
guerrero lindsey estrada sandoval gibbs tyler gross fitzgerald stokes doyle sherman saunders wise colon gill alvarado
greer padilla simon waters nunez ballard schwartz mcbride houston christensen klein pratt briggs parsons mclaughlin
zimmerman french buchanan moran copeland roy pittman brady mccormick holloway brock poole frank logan owen bass marsh
drake wong jefferson park morton abbott sparks patrick norton huff clayton massey lloyd figueroa carson bowers
roberson barton tran lamb harrington casey boone cortez clarke mathis singleton wilkins cain bryan underwood hogan
mckenzie collier luna phelps mcguire allison bridges wilkerson nash summers atkins wilcox pitts conley marquez burnett
richard cochran chase davenport hood gates clay ayala sawyer roman vazquez dickerson hodge acosta flynn espinoza
nicholson monroe wolf morrow kirk randall anthony whitaker oconnor skinner ware molina kirby huffman bradford charles
gilmore dominguez oneal bruce lang combs kramer heath hancock gallagher gaines shaffer short wiggins mathews mcclain
fischer wall small melton hensley bond dyer cameron grimes contreras christian wyatt baxter snow mosley shepherd
larsen hoover beasley glenn petersen whitehead meyers keith garrison vincent shields horn savage olsen schroeder
hartman woodard mueller kemp deleon booth patel calhoun wiley eaton cline navarro harrell lester humphrey parrish
duran hutchinson hess dorsey bullock robles beard dalton avila vance rich blackwell york johns blankenship trevino
salinas campos pruitt moses callahan golden montoya hardin guerra mcdowell carey stafford gallegos henson wilkinson
booker merritt miranda atkinson orr decker hobbs preston tanner knox pacheco stephenson glass rojas serrano marks
hickman english sweeney strong prince mcclure conway walter roth maynard farrell lowery hurst nixon weiss trujillo
ellison sloan juarez winters mclean randolph leon boyer villarreal mccall gentry carrillo kent ayers lara shannon
sexton pace hull leblanc browning velasquez leach chang house sellers herring noble foley bartlett mercado landry
durham walls barr mckee bauer rivers everett bradshaw pugh velez rush estes dodson morse sheppard weeks camacho bean
barron livingston middleton spears branch blevins chen kerr mcconnell hatfield harding ashley solis herman frost giles
blackburn william pennington woodward finley mcintosh koch best solomon mccullough dudley nolan blanchard rivas
brennan mejia kane benton joyce buckley haley valentine maddox russo mcknight buck moon mcmillan crosby berg dotson
mays roach church chan richmond meadows faulkner oneill knapp kline barry ochoa jacobson gay avery hendricks horne
shepard hebert cherry cardenas mcintyre whitney waller holman donaldson cantu terrell morin gillespie fuentes tillman
sanford bentley peck key salas rollins gamble dickson battle santana cabrera cervantes howe hinton hurley spence
zamora yang mcneil suarez case petty gould mcfarland sampson carver bray rosario macdonald stout hester melendez
dillon farley hopper galloway potts bernard joyner stein aguirre osborn mercer bender franco rowland sykes benjamin
travis pickett crane sears mayo dunlap hayden wilder mckay coffey mccarty ewing cooley vaughan bonner cotton holder
stark ferrell cantrell fulton lynn lott calderon rosa pollard hooper burch mullen fry riddle levy david duke odonnell
guy michael britt frederick daugherty berger dillard alston jarvis frye riggs chaney odom duffy fitzpatrick valenzuela
merrill mayer alford mcpherson acevedo donovan barrera albert cote reilly compton raymond mooney mcgowan craft
cleveland clemons wynn nielsen baird stanton snider rosales bright witt stuart hays holden rutledge kinney clements
castaneda slater hahn emerson conrad burks delaney pate lancaster sweet justice tyson sharpe whitfield talley macias
irwin burris ratliff mccray madden kaufman beach goff cash bolton mcfadden levine good byers kirkland kidd workman
carney dale mcleod holcomb england finch head burt hendrix sosa haney franks sargent nieves downs rasmussen bird
hewitt lindsay le foreman valencia oneil delacruz vinson dejesus hyde forbes gilliam guthrie wooten huber barlow boyle
mcmahon buckner rocha puckett langley knowles cooke velazquez whitley noel vang shea rouse hartley mayfield elder
rankin hanna cowan lucero arroyo slaughter haas oconnell minor kendrick shirley kendall boucher archer boggs odell
dougherty andersen newell crowe wang friedman bland swain holley felix pearce childs yarbrough galvan proctor meeks
lozano mora rangel bacon villanueva schaefer rosado helms boyce goss stinson smart lake ibarra hutchins covington
reyna gregg werner crowley hatcher mackey bunch womack polk jamison dodd childress childers camp villa dye springer
mahoney dailey belcher lockhart griggs costa connor brandt winter walden moser tracy tatum mccann akers lutz pryor law
orozco mcallister lugo davies shoemaker madison rutherford newsome magee chamberlain blanton simms godfrey flanagan
crum cordova escobar downing sinclair donahue krueger mcginnis gore farris webber corbett andrade starr lyon yoder
hastings mcgrath spivey krause harden crabtree kirkpatrick hollis brandon arrington ervin clifton ritter mcghee bolden
maloney gagnon dunbar ponce pike mayes heard beatty mobley kimball butts montes herbert grady eldridge braun hamm
gibbons seymour moyer manley herron plummer elmore cramer gary rucker hilton blue pierson fontenot field rubio grace
goldstein elkins wills novak john hickey worley gorman katz dickinson broussard fritz woodruff crow christopher
britton forrest nance lehman bingham zuniga whaley shafer coffman steward delarosa nix neely numbers mata manuel
davila mccabe kessler emery bowling hinkle welsh pagan goldberg goins crouch cuevas quinones mcdermott hendrickson
samuels denton bergeron lam ivey locke haines thurman snell hoskins byrne milton winston arthur arias stanford roe
corbin beltran chappell hurt downey dooley tuttle couch payton mcelroy crockett groves clement leslie cartwright
dickey mcgill dubois muniz erwin self tolbert dempsey cisneros sewell latham garland vigil tapia sterling rainey
norwood lacy stroud meade amos tipton lord kuhn hilliard bonilla teague courtney gunn ho greenwood correa reece weston
poe trent pineda phipps frey kaiser ames paige gunter schmitt milligan espinosa carlton bowden vickers lowry pritchard
costello piper mcclellan lovell drew sheehan quick hatch dobson singh jeffries hollingsworth sorensen meza fink
donnelly burrell bruno tomlinson colbert billings ritchie helton sutherland peoples mcqueen gaston thomason mckinley
givens crocker vogel robison dunham coker swartz keys lilly ladner hannah willard richter hargrove edmonds brantley
albright murdock boswell muller quintero padgett kenney daly connolly pierre inman quintana lund barnard villegas
simons land huggins tidwell sanderson bullard mcclendon duarte draper meredith marrero dwyer abrams stover goode
fraser crews bernal smiley godwin fish conklin mcneal baca esparza crowder bower nicholas chung brewster mcneill dick
rodrigues leal coates raines mccain mccord miner holbrook swift dukes carlisle aldridge ackerman starks ricks holliday
ferris hairston sheffield lange fountain marino doss betts kaplan carmichael bloom ruffin penn kern bowles sizemore
larkin dupree jewell silver seals metcalf hutchison henley farr castle mccauley hankins gustafson deal curran ash
waddell ramey cates pollock major irvin cummins messer heller dewitt lin funk cornett palacios galindo cano hathaway
singer pham enriquez aaron salgado pelletier painter wiseman blount hand feliciano temple houser doherty mead mcgraw
toney swan melvin capps blanco blackmon wesley thomson mcmanus fair burkett post gleason rudolph ott dickens cormier
voss rushing rosenberg hurd dumas benitez arellano story marin caudill bragg jaramillo huerta gipson colvin biggs vela
platt cassidy tompkins mccollum kay gabriel dolan daley crump street sneed kilgore grove grimm davison brunson prater
marcum devine kyle dodge stratton rosas choi tripp ledbetter lay hightower haywood feldman epps yeager posey sylvester
scruggs cope stubbs richey overton trotter sprague cordero butcher burger stiles burgos woodson horner bassett purcell
haskins gee akins abraham hoyt ziegler spaulding hadley grubbs sumner murillo zavala shook lockwood jarrett driscoll
dahl thorpe sheridan redmond putnam mcwilliams mcrae cornell felton romano joiner sadler hedrick hager hagen fitch
coulter thacker mansfield langston guidry ferreira corley conn rossi lackey cody baez saenz mcnamara darnell michel
mcmullen mckenna mcdonough link engel browne roper peacock eubanks drummond stringer pritchett parham mims landers ham
grayson stacy schafer egan timmons ohara keen hamlin finn cortes mcnair louis clifford nadeau moseley michaud rosen
oakes kurtz jeffers calloway beal bautista winn suggs stern stapleton lyles laird montano diamond dawkins roland hagan
goldman bryson barajas lovett segura metz lockett langford hinson eastman rock hooks woody smallwood shapiro crowell
whalen triplett hooker chatman aldrich cahill youngblood ybarra stallings sheets samuel reeder person pack lacey
connelly bateman abernathy winkler wilkes masters hackett granger gillis schmitz sapp napier souza lanier gomes weir
otero ledford burroughs babcock ventura siegel dugan clinton christie bledsoe atwood wray varner spangler otto anaya
staley kraft fournier eddy belanger wolff thorne bynum burnette boykin swenson purvis pina khan duvall darby xiong
kauffman ali yu healy engle corona benoit valle steiner spicer shaver randle lundy dow chin calvert staton neff
kearney darden oakley medeiros mccracken crenshaw block beaver perdue dill whittaker tobin cornelius washburn hogue
goodrich easley bravo dennison vera shipley kerns jorgensen crain abel villalobos maurer longoria keene coon sierra
witherspoon staples pettit kincaid eason madrid echols lusk wu stahl currie thayer shultz sherwood mcnally seay north
maher kenny hope gagne barrow nava myles moreland honeycutt hearn diggs caron whitten westbrook stovall ragland queen
munson meier looney kimble jolly hobson london goddard culver burr presley negron connell tovar marcus huddleston
hammer ashby salter root pendleton oleary nickerson myrick judd jacobsen elliot bain adair starnes sheldon matos light
busby herndon hanley bellamy jack doty bartley yazzie rowell parson gifford cullen christiansen benavides barnhart
talbot mock crandall connors bonds whitt gage bergman arredondo addison marion lujan dowdy jernigan huynh bouchard
dutton rhoades ouellette kiser rubin herrington hare denny blackman babb allred rudd paulson ogden koenig jacob irving
geiger begay parra champion lassiter hawk esposito cho waldron vernon ransom prather keenan jean grover chacon vick
sands roark parr mayberry greenberg coley bruner whitman skaggs shipman means leary hutton romo medrano ladd kruse
friend darling askew valentin schulz alfaro tabor mohr gallo bermudez pereira isaac bliss reaves flint comer boston
woodall naquin guevara earl delong carrier pickens brand tilley schaffer read lim knutson fenton doran chu vogt vann
prescott mclain landis corcoran ambrose zapata hyatt hemphill faulk call dove boudreaux aragon whitlock trejo tackett
shearer saldana hanks gold driver mckinnon koehler champagne bourgeois pool keyes goodson foote early lunsford
goldsmith flood winslow sams reagan
`);
